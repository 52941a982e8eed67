// A server-to-client text message framed once for all its recipients. A
// server's frames are never masked, so every socket gets the same bytes, and
// fan-out can write them as they are instead of having `ws` frame the message
// again for each recipient. The framing is ws's own (Sender.frame).
import * as ws from 'ws';

interface FrameOptions {
  fin: boolean;
  opcode: number;
  mask: boolean;
  readOnly: boolean;
  rsv1: boolean;
}

// @types/ws does not declare the Sender class that ws exports.
const { Sender } = ws as unknown as { Sender: { frame(data: Buffer, options: FrameOptions): Buffer[] } };

const TEXT = 0x1;

/** One unfragmented, uncompressed frame in ws's framing: masked (as a client sends) or not (as a server does). */
export function wsFrame(opcode: number, payload: Buffer, mask: boolean): Buffer {
  return Buffer.concat(Sender.frame(payload, { fin: true, opcode, mask, readOnly: !mask, rsv1: false }));
}

/** One unfragmented, unmasked, uncompressed text frame carrying `payload` (UTF-8). */
export function textFrame(payload: Buffer): Buffer {
  return wsFrame(TEXT, payload, false);
}
