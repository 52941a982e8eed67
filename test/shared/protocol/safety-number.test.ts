import { beforeAll, describe, expect, it } from 'vitest';
import { cryptoReady } from '../../../shared/crypto/sodium';
import { generateDeviceKeys } from '../../../shared/protocol/device';
import {
  keyFingerprint,
  SAFETY_NUMBER_ITERATIONS,
  safetyNumber,
  safetyQrMatches,
} from '../../../shared/protocol/safety-number';

beforeAll(cryptoReady);

const FAST = 64; // iterations for most tests; one test runs the real count

describe('safety numbers', () => {
  it('are 60 digits in 12 groups of 5, the same whichever side computes them', () => {
    const a = generateDeviceKeys().signPk;
    const b = generateDeviceKeys().signPk;
    const ab = safetyNumber(a, b);
    expect(ab.digits).toMatch(/^\d{60}$/);
    expect(ab.groups).toHaveLength(12);
    for (const g of ab.groups) expect(g).toMatch(/^\d{5}$/);
    expect(ab.groups.join('')).toBe(ab.digits);
    expect(safetyNumber(b, a)).toEqual(ab);
    expect(SAFETY_NUMBER_ITERATIONS).toBe(5200);
  });

  it('change when either key changes, and each half belongs to one key', () => {
    const [a, b, c] = [generateDeviceKeys().signPk, generateDeviceKeys().signPk, generateDeviceKeys().signPk];
    const ab = safetyNumber(a, b, FAST).digits;
    const ac = safetyNumber(a, c, FAST).digits;
    expect(ac).not.toBe(ab);
    // a's 30 digits appear in both
    const halves = (d: string) => [d.slice(0, 30), d.slice(30)];
    const common = halves(ab).filter((h) => halves(ac).includes(h));
    expect(common).toHaveLength(1);
  });

  it('depend on the iteration count and the label (not a bare hash)', () => {
    const a = generateDeviceKeys().signPk;
    expect(keyFingerprint(a, FAST)).not.toEqual(keyFingerprint(a, FAST + 1));
    expect(keyFingerprint(a, FAST)).toHaveLength(32);
    expect(() => keyFingerprint(a.subarray(1))).toThrow(RangeError);
  });

  it('come with a QR payload that matches only the same two keys', () => {
    const [a, b, c] = [generateDeviceKeys().signPk, generateDeviceKeys().signPk, generateDeviceKeys().signPk];
    const { qr } = safetyNumber(a, b, FAST);
    expect(qr).toMatch(/^mindeulle-safety:1:[A-Za-z0-9_-]{43}:[A-Za-z0-9_-]{43}$/);
    expect(safetyQrMatches(qr, b, a, FAST)).toBe(true);
    expect(safetyQrMatches(qr, a, c, FAST)).toBe(false);
    expect(safetyQrMatches(qr.slice(0, -1), a, b, FAST)).toBe(false);
    expect(safetyQrMatches('', a, b, FAST)).toBe(false);
  });
});
