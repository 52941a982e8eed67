import { beforeAll, describe, expect, it } from 'vitest';
import { fromB64, utf8 } from '../../../shared/crypto/encoding';
import {
  AtRestError,
  DEFAULT_PASSPHRASE_PARAMS,
  derivePassphraseKey,
  keyFromHeader,
  MIN_PASSPHRASE_PARAMS,
  newPassphraseHeader,
  openAtRest,
  PASSPHRASE_SALT_BYTES,
  sealAtRest,
} from '../../../shared/crypto/passphrase-key';
import { randomBytes } from '../../../shared/crypto/primitives';
import { cryptoReady } from '../../../shared/crypto/sodium';

beforeAll(cryptoReady);

const P = MIN_PASSPHRASE_PARAMS;

async function expectAtRest(p: Promise<unknown> | (() => unknown), code: AtRestError['code']) {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    expect(e).toBeInstanceOf(AtRestError);
    expect((e as AtRestError).code).toBe(code);
    return;
  }
  throw new Error(`expected ${code}`);
}

describe('passphrase key (Argon2id)', () => {
  it('is deterministic for passphrase, salt and parameters, and differs when any changes', async () => {
    const salt = randomBytes(PASSPHRASE_SALT_BYTES);
    const k = await derivePassphraseKey('민들레 홀씨 2024', salt, P);
    expect(k).toHaveLength(32);
    expect(await derivePassphraseKey('민들레 홀씨 2024', salt, P)).toEqual(k);
    expect(await derivePassphraseKey('민들레 홀씨 2025', salt, P)).not.toEqual(k);
    expect(await derivePassphraseKey('민들레 홀씨 2024', randomBytes(16), P)).not.toEqual(k);
    expect(await derivePassphraseKey('민들레 홀씨 2024', salt, { ...P, opslimit: 2 })).not.toEqual(k);
  });

  it('treats composed and decomposed Hangul alike (NFC)', async () => {
    const salt = randomBytes(PASSPHRASE_SALT_BYTES);
    const composed = '민들레';
    const decomposed = composed.normalize('NFD');
    expect(decomposed).not.toBe(composed);
    expect(await derivePassphraseKey(decomposed, salt, P)).toEqual(await derivePassphraseKey(composed, salt, P));
  });

  it('refuses bad parameters, salts and empty passphrases', async () => {
    const salt = randomBytes(PASSPHRASE_SALT_BYTES);
    await expectAtRest(derivePassphraseKey('x', salt, { opslimit: 0, memlimit: P.memlimit }), 'bad_params');
    await expectAtRest(derivePassphraseKey('x', salt, { opslimit: 1, memlimit: 1024 }), 'bad_params');
    await expectAtRest(derivePassphraseKey('x', salt, { opslimit: 1, memlimit: 2 ** 40 }), 'bad_params');
    await expectAtRest(derivePassphraseKey('x', randomBytes(8), P), 'bad_params');
    await expectAtRest(derivePassphraseKey('', salt, P), 'bad_params');
  });

  it('has sensible defaults', () => {
    expect(DEFAULT_PASSPHRASE_PARAMS.opslimit).toBeGreaterThanOrEqual(2);
    expect(DEFAULT_PASSPHRASE_PARAMS.memlimit).toBeGreaterThanOrEqual(64 * 1024 * 1024);
  });

  it('derives again from a stored header, and refuses a tampered one', async () => {
    const header = JSON.parse(JSON.stringify(newPassphraseHeader(P)));
    expect(fromB64(header.salt)).toHaveLength(16);
    const k = await keyFromHeader('pass', header);
    expect(await keyFromHeader('pass', header)).toEqual(k);
    await expectAtRest(keyFromHeader('pass', { ...header, v: 2 }), 'malformed');
    await expectAtRest(keyFromHeader('pass', { ...header, salt: '!' }), 'malformed');
    await expectAtRest(keyFromHeader('pass', { ...header, memlimit: 2 ** 40 }), 'bad_params');
  });
});

describe('at-rest blobs', () => {
  it('round-trip, and fail with another key, another slot or any tampering', async () => {
    const key = await derivePassphraseKey('right', randomBytes(16), P);
    const wrong = await derivePassphraseKey('wrong', randomBytes(16), P);
    const data = utf8('{"keys":"..."}');
    const blob = sealAtRest(key, 'device-keys', data);
    expect(openAtRest(key, 'device-keys', blob)).toEqual(data);
    expect(sealAtRest(key, 'device-keys', data)).not.toEqual(blob); // random nonce
    await expectAtRest(() => openAtRest(wrong, 'device-keys', blob), 'wrong_key');
    await expectAtRest(() => openAtRest(key, 'history/group-1', blob), 'wrong_key');
    for (let i = 1; i < blob.length; i++) {
      const t = blob.slice();
      t[i]! ^= 0x01;
      await expectAtRest(() => openAtRest(key, 'device-keys', t), 'wrong_key');
    }
    const v2 = blob.slice();
    v2[0] = 2;
    await expectAtRest(() => openAtRest(key, 'device-keys', v2), 'malformed');
    await expectAtRest(() => openAtRest(key, 'device-keys', blob.subarray(0, 20)), 'malformed');
  });
});
