// Reads the HTTP/1.1 responses going down one connection of the slow link
// (slow-link.ts) to tell, for each, its size on the wire and its body's size
// once decoded: the first-load scenario compares what a visit cost with what
// the same answers would have cost uncompressed. Only what that needs: a
// status line, Content-Length bodies, brotli and gzip; a connection that turns
// into a WebSocket (101) or uses chunked bodies is no longer read.
import zlib from 'node:zlib';

export interface ResponseRecord {
  status: number;
  encoding: string | null;
  /** header and body bytes as sent */
  wireBytes: number;
  bodyBytes: number;
  /** the body's size once its Content-Encoding is undone */
  decodedBytes: number;
}

const HEADER_END = Buffer.from('\r\n\r\n');

function decodedLength(body: Buffer, encoding: string | null): number {
  if (encoding === 'br') return zlib.brotliDecompressSync(body).length;
  if (encoding === 'gzip') return zlib.gunzipSync(body).length;
  return body.length;
}

/** A reader of one connection's downstream bytes, calling `onResponse` for each whole response. */
export function responseReader(onResponse: (response: ResponseRecord) => void): (chunk: Buffer) => void {
  let pending = Buffer.alloc(0);
  let body: { head: number; status: number; encoding: string | null; length: number } | null = null;
  let done = false;
  return (chunk) => {
    if (done) return;
    pending = Buffer.concat([pending, chunk]);
    for (;;) {
      if (!body) {
        const end = pending.indexOf(HEADER_END);
        if (end < 0) return;
        const head = pending.subarray(0, end).toString('latin1');
        const status = Number(head.match(/^HTTP\/1\.[01] (\d{3})/)?.[1] ?? 0);
        const header = (name: string) => head.match(new RegExp(`^${name}:\\s*(.+?)\\s*$`, 'im'))?.[1] ?? null;
        if (status === 101 || /chunked/i.test(header('transfer-encoding') ?? '')) {
          done = true;
          return;
        }
        const length = status === 204 || status === 304 ? 0 : Number(header('content-length') ?? 0);
        body = { head: end + HEADER_END.length, status, encoding: header('content-encoding'), length };
      }
      if (pending.length < body.head + body.length) return;
      const bytes = pending.subarray(body.head, body.head + body.length);
      onResponse({
        status: body.status,
        encoding: body.encoding,
        wireBytes: body.head + body.length,
        bodyBytes: body.length,
        decodedBytes: decodedLength(bytes, body.encoding),
      });
      pending = pending.subarray(body.head + body.length);
      body = null;
    }
  };
}
