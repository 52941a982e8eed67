// Baseline: Socket.IO 4.8 rooms broadcast over WebSocket, no persistence; the
// ack is Socket.IO's own acknowledgement callback.
import { Server } from 'socket.io';
import { MAX_FRAME_BYTES } from '../../shared/schemas/ws';
import { baselineRooms, type PostFrame, portFromArgs } from './baseline-rooms';

const numbering = baselineRooms();
const server = new Server(portFromArgs(), {
  transports: ['websocket'],
  perMessageDeflate: false,
  serveClient: false,
  maxHttpBufferSize: MAX_FRAME_BYTES,
});

server.on('connection', (socket) => {
  const groups = (socket.handshake.auth as { groups?: string[] }).groups ?? [];
  void socket.join(groups);
  socket.emit('ready', { groups });
  socket.on('post', (frame: PostFrame, ack: (a: unknown) => void) => {
    const { message, ack: reply } = numbering.accept(frame);
    server.to(frame.groupId).emit('message', message);
    ack(reply);
  });
});
console.log('socket.io listening');
process.on('SIGTERM', () => process.exit(0));
