// The relay's VAPID identity (RFC 8292): a P-256 key pair kept as the two
// base64url strings every Web Push tool uses (65-byte public point, 32-byte
// private scalar), and the Authorization header that proves a push came from
// it. Web Crypto only, so the same code runs on Node and Workers. The JWT is
// ES256 as RFC 8292 fixes it: Web Crypto's ECDSA signature is already the raw
// r||s that JWS wants. (@pushforge/builder builds only encrypted requests
// with a payload, and does not export its JWT part.)
import { fromB64, toB64, utf8 } from '../../shared/crypto/encoding';

export interface VapidKeys {
  /** base64url of the uncompressed public point (0x04 || x || y) */
  publicKey: string;
  /** base64url of the private scalar d */
  privateKey: string;
}

const P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;

/** A new key pair (Node: at first start; anywhere: for tests and `wrangler secret put`). */
export async function generateVapidKeys(): Promise<VapidKeys> {
  const pair = (await crypto.subtle.generateKey(P256, true, ['sign', 'verify'])) as CryptoKeyPair;
  const jwk = (await crypto.subtle.exportKey('jwk', pair.privateKey)) as JsonWebKey;
  const point = new Uint8Array(65);
  point[0] = 4;
  point.set(fromB64(jwk.x!), 1);
  point.set(fromB64(jwk.y!), 33);
  return { publicKey: toB64(point), privateKey: jwk.d! };
}

/** Checks the shapes (65-byte uncompressed point, 32-byte scalar); the pairing is checked on first use. */
export function isVapidKeys(keys: Partial<VapidKeys>): keys is VapidKeys {
  try {
    const point = fromB64(keys.publicKey ?? '');
    return point.length === 65 && point[0] === 4 && fromB64(keys.privateKey ?? '').length === 32;
  } catch {
    return false;
  }
}

function signingJwk(keys: VapidKeys): JsonWebKey {
  const point = fromB64(keys.publicKey);
  return {
    kty: 'EC',
    crv: 'P-256',
    x: toB64(point.subarray(1, 33)),
    y: toB64(point.subarray(33, 65)),
    d: keys.privateKey,
    ext: true,
  };
}

const jsonB64 = (value: unknown): string => toB64(utf8(JSON.stringify(value)));

/** A VAPID signer for one key pair: the imported key is kept, the JWT is made per push service origin. */
export function vapidSigner(keys: VapidKeys, subject: string) {
  let key: Promise<CryptoKey> | null = null;
  return async (endpoint: string, nowSeconds: number, lifetimeSeconds: number): Promise<string> => {
    key ??= crypto.subtle.importKey('jwk', signingJwk(keys), P256, false, ['sign']);
    const claims = { aud: new URL(endpoint).origin, exp: nowSeconds + lifetimeSeconds, sub: subject };
    const unsigned = `${jsonB64({ typ: 'JWT', alg: 'ES256' })}.${jsonB64(claims)}`;
    const signature = await crypto.subtle.sign(
      { name: 'ECDSA', hash: 'SHA-256' },
      await key,
      new TextEncoder().encode(unsigned),
    );
    return `vapid t=${unsigned}.${toB64(new Uint8Array(signature))}, k=${keys.publicKey}`;
  };
}

export type VapidSigner = ReturnType<typeof vapidSigner>;
