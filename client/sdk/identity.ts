// This device's keys as the sealed store keeps them: the identity, the current
// X25519 key, and previous X25519 keys kept for a grace period so that epoch
// envelopes sealed just before a rotation still open (PROTOCOL.md section 6).
import { fromB64, toB64 } from '../../shared/crypto/encoding';
import { type DeviceKeys, deviceIdFromSignPk, generateDeviceKeys, rotateKx } from '../../shared/protocol/device';

export const IDENTITY_DOC = 'identity';
/** How long a replaced X25519 key keeps opening envelopes sealed to it. */
export const KX_GRACE_MS = 7 * 24 * 3600 * 1000;
/** Scheduled X25519 rotation (post-compromise healing, P8). */
export const KX_ROTATION_MS = 7 * 24 * 3600 * 1000;

interface KxJson {
  kxPk: string;
  kxSk: string;
  kxVersion: number;
}

export interface IdentityDoc {
  v: 1;
  signPk: string;
  signSk: string;
  kx: KxJson;
  kxRotatedAt: number;
  previousKx: (KxJson & { retiredAt: number })[];
  displayName: string | null;
}

export class Identity {
  constructor(private doc: IdentityDoc) {}

  static generate(displayName: string | null, now: number): Identity {
    const k = generateDeviceKeys();
    return new Identity({
      v: 1,
      signPk: toB64(k.signPk),
      signSk: toB64(k.signSk),
      kx: { kxPk: toB64(k.kxPk), kxSk: toB64(k.kxSk), kxVersion: k.kxVersion },
      kxRotatedAt: now,
      previousKx: [],
      displayName,
    });
  }

  toJSON(): IdentityDoc {
    return this.doc;
  }

  get deviceId(): string {
    return deviceIdFromSignPk(fromB64(this.doc.signPk));
  }

  get displayName(): string | null {
    return this.doc.displayName;
  }

  set displayName(name: string | null) {
    this.doc = { ...this.doc, displayName: name };
  }

  get kxRotatedAt(): number {
    return this.doc.kxRotatedAt;
  }

  /** The current keys. */
  get keys(): DeviceKeys {
    return this.keysFor(this.doc.kx.kxVersion)!;
  }

  /** Keys with the X25519 key of this version, current or still in its grace period. */
  keysFor(kxVersion: number): DeviceKeys | undefined {
    const kx = [this.doc.kx, ...this.doc.previousKx].find((k) => k.kxVersion === kxVersion);
    if (!kx) return undefined;
    return {
      signPk: fromB64(this.doc.signPk),
      signSk: fromB64(this.doc.signSk),
      kxPk: fromB64(kx.kxPk),
      kxSk: fromB64(kx.kxSk),
      kxVersion: kx.kxVersion,
    };
  }

  /** A new identity document with a fresh X25519 key; the old one is kept for the grace period. */
  rotated(now: number): Identity {
    const next = rotateKx(this.keys);
    return new Identity({
      ...this.doc,
      kx: { kxPk: toB64(next.kxPk), kxSk: toB64(next.kxSk), kxVersion: next.kxVersion },
      kxRotatedAt: now,
      previousKx: [
        { ...this.doc.kx, retiredAt: now },
        ...this.doc.previousKx.filter((k) => now - k.retiredAt < KX_GRACE_MS),
      ],
    });
  }

  /** Drops previous X25519 keys past their grace period; true if any was dropped. */
  expireOldKx(now: number): boolean {
    const kept = this.doc.previousKx.filter((k) => now - k.retiredAt < KX_GRACE_MS);
    if (kept.length === this.doc.previousKx.length) return false;
    this.doc = { ...this.doc, previousKx: kept };
    return true;
  }
}
