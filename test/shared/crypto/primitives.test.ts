import { beforeAll, describe, expect, it } from 'vitest';
import { frame, utf8 } from '../../../shared/crypto/encoding';
import { LABEL_USES, LABELS, type LabelName, labelsFor } from '../../../shared/crypto/labels';
import { aeadDecrypt, aeadEncrypt, hash, kdf, randomBytes, sign, verify } from '../../../shared/crypto/primitives';
import { cryptoReady, sodium } from '../../../shared/crypto/sodium';

beforeAll(cryptoReady);

describe('labels', () => {
  it('are unique, versioned and each registered for exactly one use', () => {
    const values = Object.values(LABELS);
    expect(new Set(values).size).toBe(values.length);
    for (const v of values) expect(v).toMatch(/^mindeulle\/[a-z0-9-]+\/v\d+$/);
    expect(Object.keys(LABEL_USES).sort()).toEqual(Object.keys(LABELS).sort());
    const total = (['hash', 'signature', 'kdf', 'aead', 'secretstream'] as const).reduce(
      (n, u) => n + labelsFor(u).length,
      0,
    );
    expect(total).toBe(values.length);
  });
});

describe('labelled signatures', () => {
  const signing = labelsFor('signature');

  it('cover every signing label in labels.ts', () => {
    expect(signing.sort()).toEqual(
      (Object.keys(LABELS) as LabelName[])
        .filter((k) => LABEL_USES[k] === 'signature')
        .map((k) => LABELS[k])
        .sort(),
    );
    expect(signing.length).toBeGreaterThanOrEqual(5);
  });

  it('made for one label fail under every other label (cross-use)', () => {
    const kp = sodium.crypto_sign_keypair();
    const msg = randomBytes(100);
    for (const a of signing) {
      const sig = sign(a, msg, kp.privateKey);
      for (const b of signing) expect(verify(b, msg, sig, kp.publicKey)).toBe(a === b);
    }
  });

  it('are not plain Ed25519 over the message', () => {
    const kp = sodium.crypto_sign_keypair();
    const msg = randomBytes(32);
    const raw = sodium.crypto_sign_detached(msg, kp.privateKey);
    for (const l of signing) expect(verify(l, msg, raw, kp.publicKey)).toBe(false);
  });

  it('reject wrong lengths without throwing', () => {
    const kp = sodium.crypto_sign_keypair();
    const sig = sign(LABELS.login, utf8('x'), kp.privateKey);
    expect(verify(LABELS.login, utf8('x'), sig.subarray(1), kp.publicKey)).toBe(false);
    expect(verify(LABELS.login, utf8('x'), sig, kp.publicKey.subarray(1))).toBe(false);
  });
});

describe('labelled kdf', () => {
  it('is keyed BLAKE2b over the framed label and parts', () => {
    const key = randomBytes(32);
    const out = kdf(LABELS.chainNext, key, [utf8('a')]);
    expect(out).toEqual(sodium.crypto_generichash(32, frame(LABELS.chainNext, utf8('a')), key));
  });

  it('separates labels, keys and parts', () => {
    const key = randomBytes(32);
    const outs = labelsFor('kdf').map((l) => sodium.to_hex(kdf(l, key)));
    expect(new Set(outs).size).toBe(outs.length);
    expect(kdf(LABELS.chainNext, key)).not.toEqual(kdf(LABELS.chainNext, randomBytes(32)));
    // framing: ['ab'] and ['a','b'] differ
    expect(kdf(LABELS.chainInit, key, [utf8('ab')])).not.toEqual(kdf(LABELS.chainInit, key, [utf8('a'), utf8('b')]));
    // and a keyed KDF output is not the unkeyed hash
    expect(sodium.to_hex(kdf(LABELS.chainInit, key))).not.toBe(sodium.to_hex(hash(LABELS.deviceId, [])));
  });

  it('refuses short keys', () => {
    expect(() => kdf(LABELS.chainNext, new Uint8Array(8))).toThrow(RangeError);
  });
});

describe('labelled aead', () => {
  it('round-trips and binds label, associated parts, key and nonce', () => {
    const key = randomBytes(32);
    const nonce = randomBytes(24);
    const pt = utf8('안녕하세요');
    const ad = [utf8('group'), utf8('1')];
    const ct = aeadEncrypt(LABELS.messageInner, key, nonce, pt, ad);
    expect(aeadDecrypt(LABELS.messageInner, key, nonce, ct, ad)).toEqual(pt);
    for (const other of labelsFor('aead').filter((l) => l !== LABELS.messageInner))
      expect(aeadDecrypt(other, key, nonce, ct, ad)).toBeNull();
    expect(aeadDecrypt(LABELS.messageInner, key, nonce, ct, [utf8('group'), utf8('2')])).toBeNull();
    expect(aeadDecrypt(LABELS.messageInner, key, nonce, ct, [utf8('grou'), utf8('p1')])).toBeNull();
    expect(aeadDecrypt(LABELS.messageInner, randomBytes(32), nonce, ct, ad)).toBeNull();
    expect(aeadDecrypt(LABELS.messageInner, key, randomBytes(24), ct, ad)).toBeNull();
    expect(aeadDecrypt(LABELS.messageInner, key, nonce, ct.subarray(0, 10), ad)).toBeNull();
  });
});

describe('random bytes', () => {
  it('never hand out the same bytes twice, across many pool blocks and at every size', () => {
    const seen = new Set<string>();
    // 16-byte draws through several 4 KiB blocks, with odd sizes between them to shift the offsets.
    for (let i = 0; i < 2000; i++) {
      const id = Buffer.from(randomBytes(16)).toString('hex');
      expect(seen.has(id)).toBe(false);
      seen.add(id);
      randomBytes(1 + (i % 37));
    }
    const big = randomBytes(70_000);
    expect(big.length).toBe(70_000);
    // a large draw is filled to its end (getRandomValues takes 64 KiB per call)
    expect(big.subarray(65_536).some((b) => b !== 0)).toBe(true);
    expect(randomBytes(0).length).toBe(0);
  });
});
