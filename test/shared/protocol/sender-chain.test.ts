import { beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from '../../../shared/crypto/primitives';
import { cryptoReady } from '../../../shared/crypto/sodium';
import {
  ChainError,
  type ChainErrorCode,
  checkCounter,
  derivationCount,
  deriveChainKey0,
  exportReceiverChain,
  exportSenderChain,
  importReceiverChain,
  importSenderChain,
  MAX_COUNTER,
  MAX_FORWARD_DISTANCE,
  MAX_SKIPPED_KEYS,
  newReceiverChain,
  newSenderChain,
  nextSendKey,
  prepareReceiveKey,
  type ReceiverChain,
} from '../../../shared/protocol/sender-chain';

beforeAll(cryptoReady);

const GROUP = 'group-aaaaaaaaaaaaaaaa';
const SENDER = 'sender-bbbbbbbbbbbbbbbb';

function expectChainError(f: () => unknown, code: ChainErrorCode) {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ChainError);
    expect((e as ChainError).code).toBe(code);
    return;
  }
  throw new Error(`expected ${code}`);
}

function pair() {
  const ck0 = deriveChainKey0(randomBytes(32), GROUP, 1, SENDER);
  return { sender: newSenderChain(ck0), receiver: newReceiverChain(ck0) };
}

/** Sends n messages and returns their keys (copied; the chain wipes nothing the caller holds). */
function sendKeys(sender: ReturnType<typeof newSenderChain>, n: number): Uint8Array[] {
  return Array.from({ length: n }, () => nextSendKey(sender).messageKey);
}

/** Takes and commits a key, returning a copy of it. */
function receive(chain: ReceiverChain, counter: number): Uint8Array {
  const p = prepareReceiveKey(chain, counter);
  const k = p.messageKey.slice();
  p.commit();
  return k;
}

describe('chain key 0', () => {
  it('differs by group, epoch, sender and secret', () => {
    const s = randomBytes(32);
    const base = deriveChainKey0(s, GROUP, 1, SENDER);
    expect(deriveChainKey0(s, GROUP, 1, SENDER)).toEqual(base);
    expect(deriveChainKey0(s, `${GROUP}x`, 1, SENDER)).not.toEqual(base);
    expect(deriveChainKey0(s, GROUP, 2, SENDER)).not.toEqual(base);
    expect(deriveChainKey0(s, GROUP, 1, `${SENDER}x`)).not.toEqual(base);
    expect(deriveChainKey0(randomBytes(32), GROUP, 1, SENDER)).not.toEqual(base);
  });
});

describe('sender and receiver chains', () => {
  it('agree in order, and message keys are all distinct', () => {
    const { sender, receiver } = pair();
    const sent = sendKeys(sender, 20);
    expect(new Set(sent.map((k) => k.join())).size).toBe(20);
    sent.forEach((k, i) => expect(receive(receiver, i)).toEqual(k));
    expect(receiver.next).toBe(20);
    expect(receiver.skipped.size).toBe(0);
  });

  it('wipe the previous chain key when they advance', () => {
    const { sender, receiver } = pair();
    const oldSend = sender.chainKey;
    nextSendKey(sender);
    expect(oldSend.every((b) => b === 0)).toBe(true);
    const oldRecv = receiver.chainKey;
    const p = prepareReceiveKey(receiver, 0);
    const mk = p.messageKey;
    p.commit();
    expect(oldRecv.every((b) => b === 0)).toBe(true);
    expect(mk.every((b) => b === 0)).toBe(true);
  });

  it('accept out-of-order messages within the window exactly once', () => {
    const { sender, receiver } = pair();
    const sent = sendKeys(sender, 6);
    expect(receive(receiver, 4)).toEqual(sent[4]);
    expect([...receiver.skipped.keys()]).toEqual([0, 1, 2, 3]);
    expect(receive(receiver, 1)).toEqual(sent[1]);
    expect(receive(receiver, 0)).toEqual(sent[0]);
    expectChainError(() => prepareReceiveKey(receiver, 1), 'replay');
    expect(receive(receiver, 5)).toEqual(sent[5]);
    expect(receive(receiver, 3)).toEqual(sent[3]);
    expect(receive(receiver, 2)).toEqual(sent[2]);
    for (let i = 0; i < 6; i++) expectChainError(() => prepareReceiveKey(receiver, i), 'replay');
    expect(receiver.skipped.size).toBe(0);
  });

  it('reject a replayed counter', () => {
    const { sender, receiver } = pair();
    sendKeys(sender, 2);
    receive(receiver, 0);
    expectChainError(() => prepareReceiveKey(receiver, 0), 'replay');
  });

  it('reject a counter too far ahead before deriving anything', () => {
    const { receiver } = pair();
    for (const counter of [MAX_COUNTER, MAX_FORWARD_DISTANCE + 1, 2 ** 31]) {
      const before = derivationCount();
      expectChainError(() => prepareReceiveKey(receiver, counter), 'too_far_ahead');
      expectChainError(() => checkCounter(receiver, counter), 'too_far_ahead');
      expect(derivationCount()).toBe(before);
    }
    for (const counter of [-1, 1.5, MAX_COUNTER + 1, Number.NaN]) {
      const before = derivationCount();
      expectChainError(() => prepareReceiveKey(receiver, counter), 'invalid_counter');
      expect(derivationCount()).toBe(before);
    }
    expect(exportReceiverChain(receiver).next).toBe(0);
  });

  it('accept exactly the maximum forward distance, and keep only the window of skipped keys', () => {
    const { sender, receiver } = pair();
    const sent = sendKeys(sender, MAX_FORWARD_DISTANCE + 1);
    const before = derivationCount();
    expect(receive(receiver, MAX_FORWARD_DISTANCE)).toEqual(sent[MAX_FORWARD_DISTANCE]);
    expect(derivationCount() - before).toBe(2 * (MAX_FORWARD_DISTANCE + 1));
    expect(receiver.skipped.size).toBe(MAX_SKIPPED_KEYS);
    const oldestKept = MAX_FORWARD_DISTANCE - MAX_SKIPPED_KEYS;
    expect(receive(receiver, oldestKept)).toEqual(sent[oldestKept]);
    expectChainError(() => prepareReceiveKey(receiver, oldestKept - 1), 'replay'); // evicted
  });

  it('evict the oldest skipped keys first when the window overflows across several gaps', () => {
    const { sender, receiver } = pair();
    const sent = sendKeys(sender, 600);
    receive(receiver, 200); // skips 0..199
    receive(receiver, 400); // skips 201..399: 399 keys, window keeps the newest 256
    expect(receiver.skipped.size).toBe(MAX_SKIPPED_KEYS);
    expect(Math.min(...receiver.skipped.keys())).toBe(400 - MAX_SKIPPED_KEYS - 1);
    expect(receive(receiver, 399)).toEqual(sent[399]);
    expectChainError(() => prepareReceiveKey(receiver, 100), 'replay');
  });

  it('leave the chain exactly as it was when a pending key is discarded', () => {
    const { sender, receiver } = pair();
    const sent = sendKeys(sender, 10);
    receive(receiver, 3);
    const snapshot = JSON.stringify(exportReceiverChain(receiver));
    prepareReceiveKey(receiver, 8).discard();
    prepareReceiveKey(receiver, 1).discard();
    expect(JSON.stringify(exportReceiverChain(receiver))).toBe(snapshot);
    expect(receive(receiver, 8)).toEqual(sent[8]);
    expect(receive(receiver, 1)).toEqual(sent[1]);
  });

  it('settle a pending key only once', () => {
    const { receiver } = pair();
    const p = prepareReceiveKey(receiver, 0);
    p.commit();
    expect(() => p.discard()).toThrow();
  });

  it('stop a sender chain at the end of the counter space', () => {
    const sender = importSenderChain({ ...exportSenderChain(pair().sender), counter: MAX_COUNTER });
    expect(nextSendKey(sender).counter).toBe(MAX_COUNTER);
    expectChainError(() => nextSendKey(sender), 'exhausted');
  });
});

describe('chain state serialization', () => {
  it('round-trips through JSON', () => {
    const { sender, receiver } = pair();
    const sent = sendKeys(sender, 10);
    receive(receiver, 2);
    receive(receiver, 7);
    const json = JSON.parse(JSON.stringify(exportReceiverChain(receiver)));
    const restored = importReceiverChain(json);
    expect(exportReceiverChain(restored)).toEqual(exportReceiverChain(receiver));
    expect(receive(restored, 5)).toEqual(sent[5]);
    expect(receive(restored, 9)).toEqual(sent[9]);
    const s2 = importSenderChain(JSON.parse(JSON.stringify(exportSenderChain(sender))));
    expect(nextSendKey(s2).messageKey).toEqual(nextSendKey(sender).messageKey);
  });

  it('cannot re-derive a used key from a snapshot taken after use', () => {
    const { sender, receiver } = pair();
    const sent = sendKeys(sender, 7);
    for (let i = 0; i <= 5; i++) receive(receiver, i);
    const snapshot = JSON.parse(JSON.stringify(exportReceiverChain(receiver)));
    const serialized = JSON.stringify(snapshot);
    for (let i = 0; i <= 5; i++) expect(serialized).not.toContain(Buffer.from(sent[i]!).toString('base64url'));
    const restored = importReceiverChain(snapshot);
    expectChainError(() => prepareReceiveKey(restored, 5), 'replay');
    expect(receive(restored, 6)).toEqual(sent[6]);
  });

  it('rejects malformed state', () => {
    const good = exportReceiverChain(pair().receiver);
    const k = good.chainKey;
    for (const bad of [
      { ...good, chainKey: 'short' },
      { ...good, chainKey: 'a'.repeat(42) },
      { ...good, next: -1 },
      { ...good, next: 1.5 },
      { ...good, next: 3, skipped: [[3, k]] }, // not below next
      {
        ...good,
        next: 3,
        skipped: [
          [1, k],
          [0, k],
        ],
      }, // not ascending
      {
        ...good,
        next: 3,
        skipped: [
          [1, k],
          [1, k],
        ],
      },
      { ...good, next: 3, skipped: [[1, 'x']] },
      { ...good, next: 1000, skipped: Array.from({ length: MAX_SKIPPED_KEYS + 1 }, (_, i) => [i, k]) },
      { ...good, skipped: 'nope' },
    ])
      expectChainError(() => importReceiverChain(bad as never), 'malformed_state');
  });
});
