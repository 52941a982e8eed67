// What a device keeps for one epoch once it has opened the epoch secret:
// the metadata key (outer envelope layer), its own sending chain, and every
// member's receiving chain with the member's signing key. The roster is fixed
// within an epoch, so all chain keys 0 are derived at once and the epoch
// secret is wiped: that is what makes forward secrecy real (P8).
import { fromB64, toB64, u32be, utf8 } from '../crypto/encoding';
import { LABELS } from '../crypto/labels';
import { KEY_BYTES, kdf, memzero } from '../crypto/primitives';
import type { RosterState } from './roster';
import {
  ChainError,
  deriveChainKey0,
  exportReceiverChain,
  exportSenderChain,
  importReceiverChain,
  importSenderChain,
  newReceiverChain,
  newSenderChain,
  type ReceiverChain,
  type ReceiverChainJson,
  type SenderChain,
  type SenderChainJson,
  wipeReceiverChain,
} from './sender-chain';

export const EPOCH_SECRET_BYTES = 32;

export interface EpochMember {
  /** Ed25519 public key from the verified roster */
  signPk: Uint8Array;
  chain: ReceiverChain;
}

export interface EpochKeys {
  group: string;
  epoch: number;
  /** this device's id */
  self: string;
  metadataKey: Uint8Array;
  sending: SenderChain;
  /** every member of the epoch, this device included (its own echoes decrypt like any other) */
  members: Map<string, EpochMember>;
}

export function deriveMetadataKey(epochSecret: Uint8Array, group: string, epoch: number): Uint8Array {
  return kdf(LABELS.metadataKey, epochSecret, [utf8(group), u32be(epoch)]);
}

/**
 * Derives everything this device needs for the epoch from its secret and the
 * verified roster state of that epoch, then WIPES `epochSecret` in place.
 */
export function openEpoch(epochSecret: Uint8Array, roster: RosterState, self: string): EpochKeys {
  if (epochSecret.length !== EPOCH_SECRET_BYTES) throw new RangeError('epoch secret must be 32 bytes');
  if (!roster.members.has(self)) throw new Error('this device is not a member of the roster');
  const { group, epoch } = roster;
  try {
    const members = new Map<string, EpochMember>();
    for (const [id, m] of roster.members) {
      const ck0 = deriveChainKey0(epochSecret, group, epoch, id);
      members.set(id, { signPk: fromB64(m.signPk), chain: newReceiverChain(ck0) });
      memzero(ck0);
    }
    const ownCk0 = deriveChainKey0(epochSecret, group, epoch, self);
    const sending = newSenderChain(ownCk0);
    memzero(ownCk0);
    return { group, epoch, self, metadataKey: deriveMetadataKey(epochSecret, group, epoch), sending, members };
  } finally {
    memzero(epochSecret);
  }
}

/** Forgets an epoch (after its grace period): wipes every key it holds. */
export function wipeEpochKeys(keys: EpochKeys): void {
  memzero(keys.metadataKey);
  memzero(keys.sending.chainKey);
  for (const m of keys.members.values()) wipeReceiverChain(m.chain);
  keys.members.clear();
}

// ----------------------------------------------------------- serialization

export interface EpochKeysJson {
  v: 1;
  group: string;
  epoch: number;
  self: string;
  metadataKey: string;
  sending: SenderChainJson;
  members: Record<string, { signPk: string; chain: ReceiverChainJson }>;
}

export function exportEpochKeys(keys: EpochKeys): EpochKeysJson {
  const members: EpochKeysJson['members'] = {};
  for (const [id, m] of keys.members) members[id] = { signPk: toB64(m.signPk), chain: exportReceiverChain(m.chain) };
  return {
    v: 1,
    group: keys.group,
    epoch: keys.epoch,
    self: keys.self,
    metadataKey: toB64(keys.metadataKey),
    sending: exportSenderChain(keys.sending),
    members,
  };
}

export function importEpochKeys(json: EpochKeysJson): EpochKeys {
  const bad = (why: string): never => {
    throw new ChainError('malformed_state', `epoch keys: ${why}`);
  };
  if (json?.v !== 1) bad('unknown version');
  if (typeof json.group !== 'string' || typeof json.self !== 'string') bad('ids');
  if (!Number.isInteger(json.epoch) || json.epoch < 1 || json.epoch > 2 ** 31) bad('epoch');
  let metadataKey: Uint8Array;
  let members: Map<string, EpochMember>;
  try {
    metadataKey = fromB64(json.metadataKey);
    members = new Map(
      Object.entries(json.members ?? {}).map(([id, m]) => [
        id,
        { signPk: fromB64(m.signPk), chain: importReceiverChain(m.chain) },
      ]),
    );
  } catch (e) {
    if (e instanceof ChainError) throw e;
    return bad('encoding');
  }
  if (metadataKey.length !== KEY_BYTES) bad('metadata key length');
  if (!members.has(json.self)) bad('self is not a member');
  return {
    group: json.group,
    epoch: json.epoch,
    self: json.self,
    metadataKey,
    sending: importSenderChain(json.sending),
    members,
  };
}
