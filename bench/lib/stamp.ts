// The 16-byte client message id of a benchmark post carries what the harness
// needs to check every delivery: when it was (meant to be) sent, by which
// client, and that client's counter. It travels the same way through the
// relay and both baselines, so no system parses anything extra.
export interface Stamp {
  /** performance.now() of the generator process, in ms */
  sentAt: number;
  sender: number;
  counter: number;
}

export function encodeStamp(s: Stamp): string {
  const b = Buffer.allocUnsafe(16);
  b.writeDoubleLE(s.sentAt, 0);
  b.writeUInt32LE(s.sender, 8);
  b.writeUInt32LE(s.counter, 12);
  return b.toString('base64url');
}

export function decodeStamp(id: string): Stamp {
  const b = Buffer.from(id, 'base64url');
  return { sentAt: b.readDoubleLE(0), sender: b.readUInt32LE(8), counter: b.readUInt32LE(12) };
}

const ID_KEY = Buffer.from('"clientMsgId":"');
/** A pushed frame starts `{"type":"message","groupId":"`: the id is never before this offset. */
const FIRST_POSSIBLE = '{"type":"message","groupId":"'.length;
const STAMP_CHARS = 22;

// base64url digit values by character code (-1: not a digit).
const DIGIT = new Int8Array(128).fill(-1);
for (const [i, c] of [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'].entries())
  DIGIT[c.charCodeAt(0)] = i;
const scratch = Buffer.alloc(18);

/**
 * The client message id inside a pushed `message` frame (`bytes[from, to)`), read straight from
 * the frame's bytes: no JSON parsing, no string or buffer per delivery (the
 * generator does this for every delivery, and must not be the bottleneck).
 */
export function stampOfFrame(bytes: Buffer, from = 0, to = bytes.length): Stamp | null {
  const at = bytes.indexOf(ID_KEY, from + FIRST_POSSIBLE);
  if (at < 0) return null;
  const start = at + ID_KEY.length;
  if (start + STAMP_CHARS > to) return null;
  const frame = bytes;
  // 22 digits = 132 bits: 16 bytes and 4 spare bits; decode in groups of 4 digits (3 bytes).
  for (let i = 0, o = 0; i < 24; i += 4, o += 3) {
    let bits = 0;
    for (let j = 0; j < 4; j++) {
      const d = i + j < STAMP_CHARS ? DIGIT[frame[start + i + j]! & 0x7f]! : 0;
      if (d < 0) return null;
      bits = (bits << 6) | d;
    }
    scratch[o] = bits >>> 16;
    scratch[o + 1] = (bits >>> 8) & 0xff;
    scratch[o + 2] = bits & 0xff;
  }
  return { sentAt: scratch.readDoubleLE(0), sender: scratch.readUInt32LE(8), counter: scratch.readUInt32LE(12) };
}
