// Fan-out sends the same frame to many sockets, and a busy turn sends many
// frames to each socket. A frame is encoded and framed once (not per
// recipient) and written to each socket as it is (./ws-frame.ts), and every
// socket written to in a turn stays corked until the turn ends, so its frames
// leave in one writev instead of one write each. The benchmark's ceiling
// server uses this same writer, so it measures the relay's own fan-out.
import type { Duplex } from 'node:stream';
import { textFrame } from './ws-frame';

export interface BatchedWriter {
  /** Writes `text` as one text frame to `socket`, framed once for every socket it goes to in a row. */
  write(socket: Duplex, text: string): void;
}

export function batchedWriter(): BatchedWriter {
  let lastText = '';
  let lastFrame: Buffer = Buffer.alloc(0);
  const framed = (text: string): Buffer => {
    if (text !== lastText) {
      lastText = text;
      lastFrame = textFrame(Buffer.from(text));
    }
    return lastFrame;
  };
  const corked = new Set<Duplex>();
  const uncorkAll = () => {
    for (const socket of corked) socket.uncork();
    corked.clear();
  };
  const cork = (socket: Duplex) => {
    if (corked.has(socket)) return;
    if (corked.size === 0) setImmediate(uncorkAll);
    socket.cork();
    corked.add(socket);
  };
  return {
    write(socket, text) {
      cork(socket);
      socket.write(framed(text));
    },
  };
}
