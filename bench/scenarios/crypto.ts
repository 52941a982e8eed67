// Client crypto in Node: a short chat message sealed (encrypt + sign, both
// layers, padded) and opened (verify + decrypt) with shared/protocol, as a
// client does for every message it sends or receives (the plaintext's own
// encoding is not timed, either way); beside it, the floor:
// one bare Ed25519 signature and verification of as many bytes (the
// signature is the one public-key operation per message, so it bounds both).
import { performance } from 'node:perf_hooks';
import { devicePublic, generateDeviceKeys } from '../../shared/protocol/device';
import { EPOCH_SECRET_BYTES, openEpoch } from '../../shared/protocol/epoch-keys';
import { decryptMessage, encryptMessage } from '../../shared/protocol/message-envelope';
import { encodePlaintext } from '../../shared/protocol/plaintext';
import { applyGenesis, signCommit } from '../../shared/protocol/roster';
import { LABELS } from '../../shared/crypto/labels';
import { randomBytes, sign, verify } from '../../shared/crypto/primitives';
import { CHAT_TEXT } from '../lib/population';
import { median } from '../lib/stats';

const ROUNDS = 3;

export interface CryptoResult {
  encryptSignPerS: number;
  verifyDecryptPerS: number;
  envelopeBytes: number;
  /** bare Ed25519 signatures per second over an envelope's size in bytes */
  bareSignPerS: number;
  /** bare Ed25519 verifications per second of those */
  bareVerifyPerS: number;
}

export function runCrypto(ms: number): CryptoResult {
  const device = generateDeviceKeys();
  const me = devicePublic(device);
  const genesis = signCommit(
    {
      v: 1,
      group: 'cryptobenchgroup0000',
      seq: 0,
      prev: null,
      epoch: 1,
      author: me.deviceId,
      ops: [{ op: 'add', device: me.deviceId, signPk: me.signPk, role: 'admin' }],
    },
    device.signSk,
  );
  const roster = applyGenesis(genesis);
  const secret = randomBytes(EPOCH_SECRET_BYTES);
  const sender = openEpoch(secret.slice(), roster, me.deviceId);
  const receiver = openEpoch(secret, roster, me.deviceId);
  const routing = { group: roster.group, epoch: roster.epoch, kind: 'message' as const };

  // Rounds, median reported (the machine has slow spells, see PERFORMANCE.md);
  // the first round is a warm-up for the JIT and is not counted.
  const round = (roundMs: number) => {
    const sealed: { envelope: Uint8Array; clientMsgId: string }[] = [];
    // Only encryptMessage is timed, as only decryptMessage is on the way back: encoding
    // the plaintext (and decoding it) is the app's message format, not the protocol's layers.
    let sealing = 0;
    let t0 = performance.now();
    while (performance.now() - t0 < roundMs) {
      const plaintext = encodePlaintext({ type: 'text', text: CHAT_TEXT, sentAt: Date.now() });
      const t = performance.now();
      sealed.push(encryptMessage(sender, device, 'message', plaintext));
      sealing += performance.now() - t;
    }
    const encrypt = sealed.length / (sealing / 1000);
    t0 = performance.now();
    for (const m of sealed) decryptMessage(receiver, m.envelope, { ...routing, messageId: m.clientMsgId }, { roster });
    const decrypt = sealed.length / ((performance.now() - t0) / 1000);
    // The floor, on as many messages of the envelope's size, in the same round.
    const bytes = sealed[0]!.envelope.length;
    const messages = sealed.map(() => randomBytes(bytes));
    t0 = performance.now();
    const signatures = messages.map((m) => sign(LABELS.messageSig, m, device.signSk));
    const bareSign = messages.length / ((performance.now() - t0) / 1000);
    t0 = performance.now();
    for (const [i, m] of messages.entries())
      if (!verify(LABELS.messageSig, m, signatures[i]!, device.signPk)) throw new Error('bare verification failed');
    const bareVerify = messages.length / ((performance.now() - t0) / 1000);
    return { encrypt, decrypt, bareSign, bareVerify, envelopeBytes: bytes };
  };
  const roundMs = ms / (ROUNDS + 1);
  round(roundMs);
  const results = Array.from({ length: ROUNDS }, () => round(roundMs));
  const encryptSignPerS = median(results, (r) => r.encrypt).encrypt;
  const verifyDecryptPerS = median(results, (r) => r.decrypt).decrypt;
  return {
    encryptSignPerS,
    verifyDecryptPerS,
    envelopeBytes: results[0]!.envelopeBytes,
    bareSignPerS: median(results, (r) => r.bareSign).bareSign,
    bareVerifyPerS: median(results, (r) => r.bareVerify).bareVerify,
  };
}
