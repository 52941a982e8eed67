// Baseline: a plain `ws` broadcast server with no persistence, written the
// way the ws README does it (serialise once, send to every socket of the room).
import { WebSocketServer, type WebSocket } from 'ws';
import { MAX_FRAME_BYTES } from '../../shared/schemas/ws';
import { baselineRooms, type PostFrame, portFromArgs } from './baseline-rooms';

const rooms = new Map<string, Set<WebSocket>>();
const numbering = baselineRooms();
const wss = new WebSocketServer({
  port: portFromArgs(),
  host: '127.0.0.1',
  perMessageDeflate: false,
  maxPayload: MAX_FRAME_BYTES,
});

wss.on('connection', (ws) => {
  let joined: string[] | null = null;
  ws.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as { type: string; groups?: string[] } & PostFrame;
    if (!joined) {
      joined = frame.groups ?? [];
      for (const g of joined) {
        let room = rooms.get(g);
        if (!room) rooms.set(g, (room = new Set()));
        room.add(ws);
      }
      return ws.send(JSON.stringify({ type: 'ready', groups: joined }));
    }
    if (frame.type !== 'post') return;
    const { message, ack } = numbering.accept(frame);
    const text = JSON.stringify(message);
    for (const peer of rooms.get(frame.groupId) ?? []) peer.send(text);
    ws.send(JSON.stringify(ack));
  });
  ws.on('close', () => {
    for (const g of joined ?? []) rooms.get(g)?.delete(ws);
  });
});
wss.on('listening', () => console.log('raw ws listening'));
process.on('SIGTERM', () => process.exit(0));
