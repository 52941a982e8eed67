// The ceiling: the fastest pass-through this stack can do for the relay's
// traffic. It does the relay's fan-out exactly (a frame framed once for all
// recipients, one write per socket per event-loop turn: the relay's own
// batchedWriter) and nothing else: no authentication, no validation, no
// storage, and no JSON parsing of a post beyond finding what routing and the
// ack need. It pushes the same `message` frame and ack the relay sends, byte
// for byte in shape, so every client reads the same bytes.
import { createServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { batchedWriter } from '../../server/node/batched-writer';
import { MAX_FRAME_BYTES } from '../../shared/schemas/ws';
import { portFromArgs } from './baseline-rooms';

const rooms = new Map<string, Set<Duplex>>();
const seqs = new Map<string, number>();
const writer = batchedWriter();
const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: MAX_FRAME_BYTES });

const GROUP_KEY = '"groupId":"';
const REF_KEY = '"ref":"';
const ID_KEY = '"clientMsgId":"';

/** The string value of `key` in `text`, found without parsing (benchmark posts carry no escapes). */
function stringField(text: string, key: string): string {
  const start = text.indexOf(key) + key.length;
  return text.slice(start, text.indexOf('"', start));
}

function onPost(socket: Duplex, text: string): void {
  const groupId = stringField(text, GROUP_KEY);
  const seq = (seqs.get(groupId) ?? 0) + 1;
  seqs.set(groupId, seq);
  const createdAt = Math.floor(Date.now() / 3_600_000) * 3600;
  // clientMsgId, epoch, kind and ciphertext, as the client sent them (the post ends with the ciphertext).
  const fields = text.slice(text.indexOf(ID_KEY), text.lastIndexOf('}'));
  const message = `{"type":"message","groupId":"${groupId}","message":{"seq":${seq},${fields},"pinned":false,"createdAt":${createdAt},"expiresAt":null}}`;
  for (const peer of rooms.get(groupId) ?? []) writer.write(peer, message);
  writer.write(
    socket,
    `{"type":"ack","ref":"${stringField(text, REF_KEY)}","groupId":"${groupId}","seq":${seq},"duplicate":false}`,
  );
}

const server = createServer((_req, res) => res.writeHead(404).end());
server.on('upgrade', (req, socket, head) =>
  wss.handleUpgrade(req, socket, head, (ws) => {
    let joined: string[] | null = null;
    ws.on('message', (data: Buffer) => {
      const text = data.toString();
      if (joined) return onPost(socket, text);
      joined = (JSON.parse(text) as { groups?: string[] }).groups ?? [];
      for (const g of joined) {
        let room = rooms.get(g);
        if (!room) rooms.set(g, (room = new Set()));
        room.add(socket);
      }
      ws.send(JSON.stringify({ type: 'ready', groups: joined }));
    });
    ws.on('close', () => {
      for (const g of joined ?? []) rooms.get(g)?.delete(socket);
    });
  }),
);
server.listen(portFromArgs(), '127.0.0.1', () => console.log('ceiling listening'));
process.on('SIGTERM', () => process.exit(0));
