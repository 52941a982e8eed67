// The first-load scenario's reader of the responses crossing the slow link:
// sizes on the wire and once decoded, whatever the chunking.
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { type ResponseRecord, responseReader } from '../../../bench/lib/http-tally';

const page = Buffer.from('<!doctype html><title>메모</title>'.repeat(50));
const response = (head: string, body: Buffer) => Buffer.concat([Buffer.from(`${head}\r\n\r\n`), body]);

function read(stream: Buffer, sliceBytes: number): ResponseRecord[] {
  const seen: ResponseRecord[] = [];
  const feed = responseReader((r) => seen.push(r));
  for (let i = 0; i < stream.length; i += sliceBytes) feed(stream.subarray(i, i + sliceBytes));
  return seen;
}

describe('the response reader of the slow link', () => {
  it('tells each response’s wire size and decoded size (brotli, gzip, none, 304), however the bytes arrive', () => {
    const br = zlib.brotliCompressSync(page);
    const gz = zlib.gzipSync(page);
    const parts = [
      response(`HTTP/1.1 200 OK\r\nContent-Encoding: br\r\nContent-Length: ${br.length}`, br),
      response(`HTTP/1.1 200 OK\r\ncontent-encoding: gzip\r\ncontent-length: ${gz.length}`, gz),
      response(`HTTP/1.1 200 OK\r\nContent-Length: ${page.length}`, page),
      response('HTTP/1.1 304 Not Modified\r\nETag: "x"', Buffer.alloc(0)),
    ];
    const stream = Buffer.concat(parts);
    for (const slice of [1, 7, 4096, stream.length]) {
      const seen = read(stream, slice);
      expect(
        seen.map((r) => [r.status, r.encoding, r.decodedBytes]),
        String(slice),
      ).toEqual([
        [200, 'br', page.length],
        [200, 'gzip', page.length],
        [200, null, page.length],
        [304, null, 0],
      ]);
      expect(seen.map((r) => r.wireBytes)).toEqual(parts.map((p) => p.length));
      expect(seen[0]!.bodyBytes).toBe(br.length);
    }
  });

  it('stops reading a connection that becomes a WebSocket', () => {
    const upgrade = response(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket',
      Buffer.from([0x81, 0x02, 0x68, 0x69]),
    );
    expect(read(upgrade, 3)).toEqual([]);
  });
});
