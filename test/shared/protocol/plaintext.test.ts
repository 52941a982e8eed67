import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromUtf8, toB64, utf8 } from '../../../shared/crypto/encoding';
import {
  decodePlaintext,
  encodePlaintext,
  MAX_TEXT_CHARS,
  type Plaintext,
  PlaintextError,
  typeAllowedIn,
} from '../../../shared/protocol/plaintext';

const msgId = toB64(new Uint8Array(16).fill(7));
const now = 1_700_000_000_000;

describe('plaintext', () => {
  it('round-trips every known type', () => {
    const all: Plaintext[] = [
      { type: 'text', text: '안녕하세요, 다들 잘 지내요?', sentAt: now },
      { type: 'text', text: 'reply', sentAt: now, replyTo: msgId },
      { type: 'reaction', target: msgId, emoji: '💛', sentAt: now },
      { type: 'reaction', target: msgId, emoji: '💛', remove: true, sentAt: now },
      { type: 'edit', target: msgId, text: 'fixed', sentAt: now },
      { type: 'delete', target: msgId, sentAt: now },
      { type: 'urgent-help', sealed: 'AQID_-sealed', sentAt: now },
      { type: 'profile', displayName: '민들레', sentAt: now },
      { type: 'group-name', name: '뭉치 모임', sentAt: now },
      { type: 'epoch-check', roster: { seq: 3, head: 'A'.repeat(43) }, sentAt: now },
      {
        type: 'epoch-check',
        roster: { seq: 3, head: 'A'.repeat(43) },
        prev: { epoch: 2, counters: { ['d'.repeat(22)]: 7 } },
        sentAt: now,
      },
    ];
    for (const p of all) expect(decodePlaintext(encodePlaintext(p))).toEqual(p);
  });

  it('is versioned JSON', () => {
    expect(JSON.parse(fromUtf8(encodePlaintext({ type: 'text', text: 'hi', sentAt: 1 })))).toEqual({
      v: 1,
      type: 'text',
      text: 'hi',
      sentAt: 1,
    });
  });

  it('decodes an unknown type or a newer version as unsupported, without throwing', () => {
    expect(decodePlaintext(utf8(JSON.stringify({ v: 1, type: 'poll', sentAt: now, question: '?' })))).toEqual({
      type: 'unsupported',
      originalType: 'poll',
      version: 1,
      sentAt: now,
    });
    expect(decodePlaintext(utf8(JSON.stringify({ v: 2, type: 'text', text: 'x', sentAt: now })))).toEqual({
      type: 'unsupported',
      originalType: 'text',
      version: 2,
      sentAt: now,
    });
    expect(decodePlaintext(utf8(JSON.stringify({ v: 1, type: 'poll' })))).toEqual({
      type: 'unsupported',
      originalType: 'poll',
      version: 1,
    });
    // a type named like an Object.prototype member is just unknown
    expect(decodePlaintext(utf8(JSON.stringify({ v: 1, type: 'constructor' }))).type).toBe('unsupported');
  });

  it('ignores unknown extra fields on known types (room to grow)', () => {
    const p = decodePlaintext(utf8(JSON.stringify({ v: 1, type: 'text', text: 'x', sentAt: now, mentions: ['a'] })));
    expect(p).toEqual({ type: 'text', text: 'x', sentAt: now });
  });

  it('throws a typed error on garbage or a malformed known type', () => {
    for (const bad of [
      new Uint8Array([0xff, 0xfe]),
      utf8('not json'),
      utf8('[]'),
      utf8('null'),
      utf8('{"type":"text"}'),
      utf8('{"v":0,"type":"text"}'),
      utf8(JSON.stringify({ v: 1, type: 'text', sentAt: now })),
      utf8(JSON.stringify({ v: 1, type: 'text', text: '', sentAt: now })),
      utf8(JSON.stringify({ v: 1, type: 'text', text: 'x', sentAt: -1 })),
      utf8(JSON.stringify({ v: 1, type: 'reaction', target: 'short', emoji: 'x', sentAt: now })),
    ]) {
      expect(() => decodePlaintext(bad)).toThrow(PlaintextError);
    }
  });

  it('refuses to encode invalid plaintexts', () => {
    expect(() => encodePlaintext({ type: 'text', text: '', sentAt: now })).toThrow(PlaintextError);
    expect(() => encodePlaintext({ type: 'text', text: 'x'.repeat(MAX_TEXT_CHARS + 1), sentAt: now })).toThrow(
      PlaintextError,
    );
    expect(() => encodePlaintext({ type: 'text', text: 'a\uD800b', sentAt: now })).toThrow(PlaintextError);
    expect(() => encodePlaintext({ type: 'delete', target: 'nope', sentAt: now })).toThrow(PlaintextError);
  });

  it('says which types travel under which envelope kind', () => {
    expect(typeAllowedIn('message', 'text')).toBe(true);
    expect(typeAllowedIn('bulletin', 'text')).toBe(true);
    expect(typeAllowedIn('bulletin', 'reaction')).toBe(false);
    expect(typeAllowedIn('meta', 'group-name')).toBe(true);
    expect(typeAllowedIn('message', 'group-name')).toBe(false);
  });

  it('round-trips random text (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 200 }),
        fc.nat({ max: 2 ** 45 }),
        fc.option(fc.uint8Array({ minLength: 16, maxLength: 16 }), { nil: undefined }),
        (text, sentAt, reply) => {
          const p: Plaintext = reply
            ? { type: 'text', text, sentAt, replyTo: toB64(reply) }
            : { type: 'text', text, sentAt };
          expect(decodePlaintext(encodePlaintext(p))).toEqual(p);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never crashes on arbitrary JSON objects with a version and type (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 20 }),
        fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue()),
        (type, extra) => {
          const bytes = utf8(JSON.stringify({ ...extra, v: 1, type }));
          try {
            const d = decodePlaintext(bytes);
            expect(typeof d.type).toBe('string');
          } catch (e) {
            expect(e).toBeInstanceOf(PlaintextError);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
