// Safety numbers: two people compare 60 digits (or scan a QR code) in person
// to be sure the server did not substitute a device key. Modelled on Signal's
// numeric fingerprints: each side's signing key is hashed iteratively (to make
// a second key with a matching half costlier), its first 30 bytes become 30
// digits, and the two halves are sorted so both people see the same number.
import { fromB64, toB64, u32be, utf8 } from '../crypto/encoding';
import { LABELS } from '../crypto/labels';
import { constantTimeEqual, hash } from '../crypto/primitives';

export const SAFETY_NUMBER_VERSION = 1;
/** Signal uses 5200 iterations of SHA-512; BLAKE2b-512 here, same count. */
export const SAFETY_NUMBER_ITERATIONS = 5200;
const FINGERPRINT_BYTES = 32;
const QR_PREFIX = 'mindeulle-safety';

export interface SafetyNumber {
  /** 60 decimal digits */
  digits: string;
  /** the digits in 12 groups of 5, for display */
  groups: string[];
  /** what the QR code encodes */
  qr: string;
}

/** The iterated fingerprint of one signing key. */
export function keyFingerprint(signPk: Uint8Array, iterations = SAFETY_NUMBER_ITERATIONS): Uint8Array {
  if (signPk.length !== 32) throw new RangeError('signing public key must be 32 bytes');
  let h = hash(LABELS.safetyNumber, [u32be(SAFETY_NUMBER_VERSION), signPk], 64);
  // Re-mixing the key every round, as Signal does, keeps each round tied to it.
  for (let i = 1; i < iterations; i++) h = hash(LABELS.safetyNumber, [h, signPk], 64);
  return h.slice(0, FINGERPRINT_BYTES);
}

/** 30 digits: six 5-byte big-endian chunks, each mod 100000. */
function digitsOf(fp: Uint8Array): string {
  let out = '';
  for (let c = 0; c < 6; c++) {
    let n = 0;
    for (let i = 0; i < 5; i++) n = n * 256 + fp[c * 5 + i]!;
    out += String(n % 100000).padStart(5, '0');
  }
  return out;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The same result whichever key is "mine". */
export function safetyNumber(
  signPkA: Uint8Array,
  signPkB: Uint8Array,
  iterations = SAFETY_NUMBER_ITERATIONS,
): SafetyNumber {
  const halves = [keyFingerprint(signPkA, iterations), keyFingerprint(signPkB, iterations)]
    .map((fp) => ({ fp, digits: digitsOf(fp), id: toB64(fp) }))
    .sort((x, y) => cmp(x.digits, y.digits) || cmp(x.id, y.id));
  const digits = halves[0]!.digits + halves[1]!.digits;
  return {
    digits,
    groups: digits.match(/.{5}/g)!,
    qr: `${QR_PREFIX}:${SAFETY_NUMBER_VERSION}:${halves[0]!.id}:${halves[1]!.id}`,
  };
}

/** Compares a scanned QR payload with the one computed for these two keys. */
export function safetyQrMatches(
  scanned: string,
  signPkA: Uint8Array,
  signPkB: Uint8Array,
  iterations = SAFETY_NUMBER_ITERATIONS,
): boolean {
  return constantTimeEqual(utf8(scanned), utf8(safetyNumber(signPkA, signPkB, iterations).qr));
}

/**
 * The roster head as ten digits (two groups of five), shown next to the safety
 * number: two members who compare in person also compare the roster they
 * verified, so a server that shows each a different version is caught (P14).
 */
export function shortRosterHash(head: string): string {
  const bytes = fromB64(head);
  let n = 0;
  for (let i = 0; i < 5; i++) n = n * 256 + bytes[i]!;
  const digits = String(n % 10_000_000_000).padStart(10, '0');
  return `${digits.slice(0, 5)} ${digits.slice(5)}`;
}
