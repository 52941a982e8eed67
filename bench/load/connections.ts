// One benchmark client connection per system, behind one interface, so the
// closed and open loops drive the relay and both baselines identically. The
// same auth frame (a real session token) and the same post frame (a real
// envelope) go to every system; baselines read `groups` to join their rooms.
import { io, type Socket } from 'socket.io-client';
import { type Stamp, decodeStamp, stampOfFrame } from '../lib/stamp';
import { type LeanSocket, openLeanWs } from './lean-ws';

export type SystemName = 'relay' | 'ceiling' | 'raw_ws' | 'socketio';

export interface ConnSpec {
  token: string;
  groups: string[];
}

export interface PostSpec {
  ref: string;
  groupId: string;
  clientMsgId: string;
  epoch: number;
  ciphertext: string;
}

export interface ConnHandlers {
  message(stamp: Stamp): void;
  ack(ref: string, ok: boolean): void;
}

export interface BenchConn {
  post(p: PostSpec): void;
  close(): void;
}

const TYPE_AT = '{"type":"'.length;
const CHAR_M = 'm'.charCodeAt(0);
const CHAR_A = 'a'.charCodeAt(0);
const CHAR_E = 'e'.charCodeAt(0);

const REF_KEY = Buffer.from('"ref":"');
const QUOTE = '"'.charCodeAt(0);

/** The ref of an ack frame (`{"type":"ack","ref":"…",…}`), read without parsing it. */
function refOfAck(bytes: Buffer, from: number): string {
  const start = bytes.indexOf(REF_KEY, from) + REF_KEY.length;
  return bytes.toString('latin1', start, bytes.indexOf(QUOTE, start));
}

function postText(p: PostSpec): string {
  return `{"type":"post","ref":"${p.ref}","groupId":"${p.groupId}","clientMsgId":"${p.clientMsgId}","epoch":${p.epoch},"kind":"message","ciphertext":"${p.ciphertext}"}`;
}

/** A lean WebSocket client (./lean-ws.ts) for the relay and the ws references (all speak the relay's JSON frames). */
function openWs(url: string, spec: ConnSpec, on: ConnHandlers): Promise<BenchConn> {
  return new Promise((resolve, reject) => {
    let ready = false;
    const onText = (bytes: Buffer, start: number, end: number) => {
      const kind = bytes[start + TYPE_AT];
      if (kind === CHAR_M) {
        const stamp = stampOfFrame(bytes, start, end);
        if (stamp) on.message(stamp);
      } else if (kind === CHAR_A) {
        on.ack(refOfAck(bytes, start), true);
      } else {
        const text = bytes.toString('utf8', start, end);
        if (kind === CHAR_E) {
          const frame = JSON.parse(text) as { ref?: string };
          if (frame.ref) on.ack(frame.ref, false);
          else if (!ready) reject(new Error(text));
        } else if (!ready && text.startsWith('{"type":"ready"')) {
          ready = true;
          resolve({ post: (p) => socket.send(postText(p)), close: () => socket.close() });
        }
      }
    };
    let socket: LeanSocket;
    openLeanWs(url, onText, (reason) => (ready ? undefined : reject(new Error(reason)))).then((s) => {
      socket = s;
      s.send(JSON.stringify({ type: 'auth', token: spec.token, groups: spec.groups }));
    }, reject);
  });
}

/** A Socket.IO 4.8 client over WebSocket only, as a team would configure it for chat. */
function openSocketIo(url: string, spec: ConnSpec, on: ConnHandlers): Promise<BenchConn> {
  return new Promise((resolve, reject) => {
    const socket: Socket = io(url, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      auth: { token: spec.token, groups: spec.groups },
    });
    socket.on('connect_error', reject);
    socket.on('message', (frame: { message: { clientMsgId: string } }) =>
      on.message(decodeStamp(frame.message.clientMsgId)),
    );
    socket.on('ready', () =>
      resolve({
        post: (p) =>
          socket.emit('post', { type: 'post', ...p, kind: 'message' }, (ack: { ref: string; type: string }) =>
            on.ack(ack.ref, ack.type === 'ack'),
          ),
        close: () => socket.disconnect(),
      }),
    );
  });
}

export function openConn(system: SystemName, url: string, spec: ConnSpec, on: ConnHandlers): Promise<BenchConn> {
  return system === 'socketio' ? openSocketIo(url, spec, on) : openWs(url, spec, on);
}
