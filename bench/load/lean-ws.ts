// The load generator's WebSocket client, lean on purpose: the generator reads
// hundreds of thousands of frames a second on one core and must not be what
// limits a round. It does the opening handshake (RFC 6455 section 4) and then
// hands each server frame to the caller as a range of the bytes that arrived
// (no Buffer, string or event per frame); it sends masked text frames through
// ws's own framing (server/node/ws-frame.ts). It supports only what the relay and the ceiling send:
// unfragmented text frames, pings and a close.
import { createHash, randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { wsFrame } from '../../server/node/ws-frame';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const OP = { text: 0x1, close: 0x8, ping: 0x9, pong: 0xa } as const;

export interface LeanSocket {
  send(text: string): void;
  close(): void;
}

/** A text frame from the server: `bytes[start, end)` is its payload. */
export type OnText = (bytes: Buffer, start: number, end: number) => void;

/** Splits `chunk` into frames; returns the unread tail (a frame cut by the chunk's end), or null. */
function readFrames(chunk: Buffer, socket: Socket, onText: OnText, onClose: () => void): Buffer | null {
  let at = 0;
  while (chunk.length - at >= 2) {
    const b0 = chunk[at]!;
    const b1 = chunk[at + 1]!;
    if (b1 & 0x80) throw new Error('a server frame must not be masked');
    if (!(b0 & 0x80) || (b0 & 0x0f) === 0) throw new Error('fragmented frames are not supported');
    let length = b1 & 0x7f;
    let header = 2;
    if (length === 126) {
      if (chunk.length - at < 4) break;
      length = chunk.readUInt16BE(at + 2);
      header = 4;
    } else if (length === 127) {
      if (chunk.length - at < 10) break;
      length = chunk.readUIntBE(at + 4, 6);
      header = 10;
    }
    const start = at + header;
    const end = start + length;
    if (end > chunk.length) break;
    const opcode = b0 & 0x0f;
    if (opcode === OP.text) onText(chunk, start, end);
    else if (opcode === OP.ping) socket.write(wsFrame(OP.pong, chunk.subarray(start, end), true));
    else if (opcode === OP.close) onClose();
    at = end;
  }
  return at === chunk.length ? null : chunk.subarray(at);
}

/** Opens `url` (ws://host:port/path) and resolves once the server switched protocols. */
export function openLeanWs(url: string, onText: OnText, onClose: (reason: string) => void): Promise<LeanSocket> {
  const { hostname, port, pathname, search } = new URL(url);
  const key = randomBytes(16).toString('base64');
  const accept = createHash('sha1')
    .update(key + GUID)
    .digest('base64');
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port), noDelay: true });
    let open = false;
    let head = Buffer.alloc(0);
    let tail: Buffer | null = null;
    const lean: LeanSocket = {
      send: (text) => socket.write(wsFrame(OP.text, Buffer.from(text), true)),
      close: () => socket.destroy(),
    };
    const closed = (reason: string) => {
      socket.destroy();
      if (open) onClose(reason);
      else reject(new Error(reason));
    };
    socket.on('error', (err) => closed(err.message));
    socket.on('close', () => closed('connection closed'));
    socket.on('connect', () =>
      socket.write(
        `GET ${pathname}${search} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      ),
    );
    socket.on('data', (data: Buffer) => {
      let chunk = data;
      if (!open) {
        head = Buffer.concat([head, data]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        const response = head.toString('latin1', 0, end);
        if (!response.startsWith('HTTP/1.1 101') || !response.includes(`Sec-WebSocket-Accept: ${accept}`))
          return closed(`no WebSocket: ${response.split('\r\n')[0]}`);
        open = true;
        resolve(lean);
        chunk = head.subarray(end + 4);
      }
      if (tail) chunk = Buffer.concat([tail, chunk]);
      try {
        tail = readFrames(chunk, socket, onText, () => closed('closed by the server'));
      } catch (err) {
        closed((err as Error).message);
      }
    });
  });
}
