// Per-sender symmetric hash ratchet inside one epoch (P7, P8).
//
//   chain key 0   = KDF(epoch secret; chainInit, group, epoch, sender)
//   message key i = KDF(chain key i; messageKey)
//   chain key i+1 = KDF(chain key i; chainNext)
//
// Both steps are one-way, so a state holding chain key n (and a few skipped
// message keys) reveals nothing about the keys of messages already read.
// Keys live in Uint8Arrays so they can be wiped; the JSON form is for storage.
import { fromB64, toB64, u32be, utf8 } from '../crypto/encoding';
import { LABELS } from '../crypto/labels';
import { KEY_BYTES, kdf, memzero } from '../crypto/primitives';

/** Message keys kept for messages that have not arrived yet (reordering, gaps). */
export const MAX_SKIPPED_KEYS = 256;
/** How far past the next expected counter a message may be; checked before deriving anything. */
export const MAX_FORWARD_DISTANCE = 2000;
/** Counters are unsigned 32-bit in the header. */
export const MAX_COUNTER = 0xffffffff;

export type ChainErrorCode = 'replay' | 'too_far_ahead' | 'invalid_counter' | 'exhausted' | 'malformed_state';

export class ChainError extends Error {
  constructor(
    readonly code: ChainErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ChainError';
  }
}

// Counts KDF invocations so tests can show that a rejected counter derived nothing.
let derivations = 0;
export function derivationCount(): number {
  return derivations;
}

export function deriveChainKey0(epochSecret: Uint8Array, group: string, epoch: number, sender: string): Uint8Array {
  derivations++;
  return kdf(LABELS.chainInit, epochSecret, [utf8(group), u32be(epoch), utf8(sender)]);
}

/** One ratchet step. Does not wipe its input. */
function step(chainKey: Uint8Array): { messageKey: Uint8Array; nextChainKey: Uint8Array } {
  derivations += 2;
  return { messageKey: kdf(LABELS.messageKey, chainKey), nextChainKey: kdf(LABELS.chainNext, chainKey) };
}

// ---------------------------------------------------------------- sending

export interface SenderChain {
  chainKey: Uint8Array;
  /** counter of the next message this device will send */
  counter: number;
}

export function newSenderChain(chainKey0: Uint8Array): SenderChain {
  return { chainKey: chainKey0.slice(), counter: 0 };
}

/**
 * Takes the next message key and advances the chain, wiping the old chain key.
 * The caller must persist the advanced state before sending, or a crash could
 * reuse a counter. The caller wipes the returned key after use.
 */
export function nextSendKey(chain: SenderChain): { counter: number; messageKey: Uint8Array } {
  if (chain.counter > MAX_COUNTER) throw new ChainError('exhausted', 'sender chain exhausted; rotate the epoch');
  const { messageKey, nextChainKey } = step(chain.chainKey);
  memzero(chain.chainKey);
  chain.chainKey = nextChainKey;
  const counter = chain.counter;
  chain.counter++;
  return { counter, messageKey };
}

// -------------------------------------------------------------- receiving

export interface ReceiverChain {
  /** chain key of counter `next` */
  chainKey: Uint8Array;
  /** lowest counter not yet derived */
  next: number;
  /** message keys for counters below `next` not yet received, ascending by counter */
  skipped: Map<number, Uint8Array>;
}

export function newReceiverChain(chainKey0: Uint8Array): ReceiverChain {
  return { chainKey: chainKey0.slice(), next: 0, skipped: new Map() };
}

/** Accepts or rejects a counter by arithmetic alone: no key is derived here. */
export function checkCounter(chain: ReceiverChain, counter: number): void {
  if (!Number.isInteger(counter) || counter < 0 || counter > MAX_COUNTER)
    throw new ChainError('invalid_counter', 'counter out of range');
  if (counter < chain.next) {
    if (!chain.skipped.has(counter)) throw new ChainError('replay', 'message counter already used or too old');
    return;
  }
  if (counter - chain.next > MAX_FORWARD_DISTANCE)
    throw new ChainError('too_far_ahead', 'message counter too far ahead');
}

/**
 * A message key taken from a receiver chain, not yet applied: `commit()` after
 * the message authenticated (advances the chain, deletes the used key),
 * `discard()` otherwise (the chain is left exactly as it was). Both wipe
 * `messageKey` and every temporary key.
 */
export interface PendingKey {
  readonly counter: number;
  readonly messageKey: Uint8Array;
  commit(): void;
  discard(): void;
}

export function prepareReceiveKey(chain: ReceiverChain, counter: number): PendingKey {
  checkCounter(chain, counter);
  let done = false;
  const once = (f: () => void) => () => {
    if (done) throw new Error('pending key already settled');
    done = true;
    f();
  };

  if (counter < chain.next) {
    const messageKey = chain.skipped.get(counter)!.slice();
    return {
      counter,
      messageKey,
      commit: once(() => {
        memzero(chain.skipped.get(counter)!);
        chain.skipped.delete(counter);
        memzero(messageKey);
      }),
      discard: once(() => memzero(messageKey)),
    };
  }

  // Walk from `next` to `counter`, keeping only the keys that would survive the window.
  const keepFrom = Math.max(chain.next, counter - MAX_SKIPPED_KEYS);
  const newSkipped: [number, Uint8Array][] = [];
  let chainKey = chain.chainKey;
  let messageKey: Uint8Array | null = null;
  for (let i = chain.next; i <= counter; i++) {
    const s = step(chainKey);
    if (chainKey !== chain.chainKey) memzero(chainKey);
    chainKey = s.nextChainKey;
    if (i === counter) messageKey = s.messageKey;
    else if (i >= keepFrom) newSkipped.push([i, s.messageKey]);
    else memzero(s.messageKey);
  }
  const finalKey = messageKey!;
  const nextChainKey = chainKey;
  return {
    counter,
    messageKey: finalKey,
    commit: once(() => {
      memzero(chain.chainKey);
      chain.chainKey = nextChainKey;
      chain.next = counter + 1;
      for (const [i, k] of newSkipped) chain.skipped.set(i, k);
      evictOldest(chain);
      memzero(finalKey);
    }),
    discard: once(() => {
      memzero(nextChainKey);
      for (const [, k] of newSkipped) memzero(k);
      memzero(finalKey);
    }),
  };
}

function evictOldest(chain: ReceiverChain): void {
  // Map iteration is insertion order, and keys are always inserted ascending.
  for (const [i, k] of chain.skipped) {
    if (chain.skipped.size <= MAX_SKIPPED_KEYS) break;
    memzero(k);
    chain.skipped.delete(i);
  }
}

export function wipeReceiverChain(chain: ReceiverChain): void {
  memzero(chain.chainKey);
  for (const k of chain.skipped.values()) memzero(k);
  chain.skipped.clear();
}

// ----------------------------------------------------------- serialization

export interface SenderChainJson {
  chainKey: string;
  counter: number;
}

export interface ReceiverChainJson {
  chainKey: string;
  next: number;
  /** [counter, message key], ascending */
  skipped: [number, string][];
}

function key32(text: unknown): Uint8Array {
  if (typeof text !== 'string') throw new ChainError('malformed_state', 'key is not a string');
  let bytes: Uint8Array;
  try {
    bytes = fromB64(text);
  } catch {
    throw new ChainError('malformed_state', 'key is not base64url');
  }
  if (bytes.length !== KEY_BYTES) throw new ChainError('malformed_state', 'key has the wrong length');
  return bytes;
}

function counterIn(n: unknown, max: number): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > max)
    throw new ChainError('malformed_state', 'counter out of range');
  return n;
}

export function exportSenderChain(chain: SenderChain): SenderChainJson {
  return { chainKey: toB64(chain.chainKey), counter: chain.counter };
}

export function importSenderChain(json: SenderChainJson): SenderChain {
  return { chainKey: key32(json.chainKey), counter: counterIn(json.counter, MAX_COUNTER + 1) };
}

export function exportReceiverChain(chain: ReceiverChain): ReceiverChainJson {
  return {
    chainKey: toB64(chain.chainKey),
    next: chain.next,
    skipped: [...chain.skipped].map(([i, k]) => [i, toB64(k)]),
  };
}

export function importReceiverChain(json: ReceiverChainJson): ReceiverChain {
  const next = counterIn(json.next, MAX_COUNTER + 1);
  if (!Array.isArray(json.skipped) || json.skipped.length > MAX_SKIPPED_KEYS)
    throw new ChainError('malformed_state', 'bad skipped-key list');
  const skipped = new Map<number, Uint8Array>();
  let last = -1;
  for (const entry of json.skipped) {
    if (!Array.isArray(entry) || entry.length !== 2) throw new ChainError('malformed_state', 'bad skipped-key entry');
    const i = counterIn(entry[0], MAX_COUNTER);
    if (i <= last || i >= next) throw new ChainError('malformed_state', 'skipped keys must ascend and lie below next');
    skipped.set(i, key32(entry[1]));
    last = i;
  }
  return { chainKey: key32(json.chainKey), next, skipped };
}
