import { describe, expect, it } from 'vitest';
import { frame, u32be, utf8 } from '../../../shared/crypto/encoding';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('frame', () => {
  it('is the label and each part, each after its 4-byte big-endian length (PROTOCOL.md)', () => {
    expect(hex(frame('L', new Uint8Array([1, 2]), new Uint8Array(0)))).toBe(
      '00000001' + '4c' + '00000002' + '0102' + '00000000',
    );
    expect(hex(frame('민들레'))).toBe(`00000009${hex(utf8('민들레'))}`);
  });

  it('gives a fresh buffer each time: writing to one framing changes no later one', () => {
    const first = frame('mindeulle/test/v1', new Uint8Array([7]));
    first.fill(0);
    expect(hex(frame('mindeulle/test/v1', new Uint8Array([7])))).toBe(
      `${hex(u32be(17)) + hex(utf8('mindeulle/test/v1'))}0000000107`,
    );
  });

  it('writes lengths past 2^24 and 2^31 big-endian', () => {
    expect(hex(u32be(0x01020304))).toBe('01020304');
    expect(hex(u32be(0xfffffffe))).toBe('fffffffe');
  });
});
