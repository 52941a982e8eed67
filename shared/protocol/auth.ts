// Challenge-response login and the opaque session token.
import { concatBytes, fromB64, toB64, u32be, utf8 } from '../crypto/encoding';
import { LABELS } from '../crypto/labels';
import { hash, randomBytes, sign, verify } from '../crypto/primitives';

export const CHALLENGE_BYTES = 32;
export const TOKEN_BYTES = 32;

function loginBinding(deviceId: string, challenge: Uint8Array): Uint8Array {
  return concatBytes(u32be(utf8(deviceId).length), utf8(deviceId), challenge);
}

export function newChallenge(): string {
  return toB64(randomBytes(CHALLENGE_BYTES));
}

export function signLogin(deviceId: string, challenge: string, signSk: Uint8Array): string {
  return toB64(sign(LABELS.login, loginBinding(deviceId, fromB64(challenge)), signSk));
}

export function verifyLogin(deviceId: string, challenge: string, signature: string, signPk: Uint8Array): boolean {
  try {
    return verify(LABELS.login, loginBinding(deviceId, fromB64(challenge)), fromB64(signature), signPk);
  } catch {
    return false;
  }
}

export function newSessionToken(): string {
  return toB64(randomBytes(TOKEN_BYTES));
}

/** What the server stores instead of a token (or a challenge): a keyless hash is enough for 256 random bits. */
export function sessionTokenHash(token: string): string {
  return toB64(hash(LABELS.sessionToken, [utf8(token)]));
}
