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

/** The client message id inside a pushed `message` frame, found without parsing the JSON. */
export function stampOfFrame(frame: Buffer): Stamp | null {
  const at = frame.indexOf(ID_KEY);
  if (at < 0) return null;
  const start = at + ID_KEY.length;
  return decodeStamp(frame.toString('latin1', start, start + 22));
}
