import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeStamp, stampOfFrame } from '../../../bench/lib/stamp';

const frameWith = (groupId: string, seq: number, clientMsgId: string) =>
  Buffer.from(
    `{"type":"message","groupId":"${groupId}","message":{"seq":${seq},"clientMsgId":"${clientMsgId}","epoch":1,"kind":"message","ciphertext":"AAAA"}}`,
  );

describe('the generator reads a delivery’s stamp from the frame’s bytes', () => {
  it('finds the same stamp the poster encoded, for any time, sender, counter, group id and sequence number', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1e9, noNaN: true }),
        fc.nat({ max: 2 ** 32 - 1 }),
        fc.nat({ max: 2 ** 32 - 1 }),
        fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/),
        fc.nat(),
        (sentAt, sender, counter, groupId, seq) => {
          const stamp = { sentAt, sender, counter };
          expect(stampOfFrame(frameWith(groupId, seq, encodeStamp(stamp)))).toEqual(stamp);
        },
      ),
    );
  });

  it('gives nothing for a frame without a stamp or with a cut or foreign one', () => {
    expect(stampOfFrame(Buffer.from('{"type":"message","groupId":"g","message":{"seq":1}}'))).toBeNull();
    expect(stampOfFrame(Buffer.from('{"type":"message","groupId":"g","message":{"clientMsgId":"AAAA'))).toBeNull();
    expect(stampOfFrame(frameWith('g', 1, 'not a stamp, clearly not!'))).toBeNull();
  });
});
