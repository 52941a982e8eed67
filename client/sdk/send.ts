// Sending: the next key of this device's sending chain in the newest epoch it
// holds, unless a newer epoch removed someone (then it waits for that key:
// sealing-rule.ts). The advanced chain is saved before the post leaves the
// device, so a crash never reuses a counter (PROTOCOL.md section 7); the post
// is retried until the server acks it (transport.ts).
import { toB64 } from '../../shared/crypto/encoding';
import { encryptMessage } from '../../shared/protocol/message-envelope';
import { encodePlaintext, type Plaintext } from '../../shared/protocol/plaintext';
import { type MessageKind, postRefusal, postRefusalText } from '../../shared/protocol/posting-rules';
import type { PostMessageInput } from '../../shared/schemas/messages';
import { sleep } from './backoff';
import { type Core, requireGroup } from './core';
import { buildEpochCheck } from './delivery-check';
import { requireAccepted } from './consent';
import { ClientError } from './errors';
import type { GroupState } from './group-state';
import type { Identity } from './identity';
import type { ResealInput } from './outbox';
import { epochClosed, WAITING_FOR_KEY_MESSAGE } from './sealing-rule';
import { syncMessages } from './sync';

export function sealPost(
  state: GroupState,
  identity: Identity,
  kind: MessageKind,
  plaintext: Plaintext,
  pinned = false,
): PostMessageInput {
  if (state.record.removed) throw new ClientError('removed', 'this device is no longer a member of the group');
  requireAccepted(state); // an invitation she has not accepted hears nothing from her (P13)
  const epoch = state.latestEpoch;
  const keys = state.keys.get(epoch);
  if (!keys) throw new ClientError('no_epoch_key', 'no epoch key yet: an admin has not sealed one to this device');
  // A removed member holds the keys of the epochs before her removal: never seal in one of those (P5).
  if (epochClosed(state, epoch)) throw new ClientError('waiting_for_key', WAITING_FOR_KEY_MESSAGE);
  // Checked here too (the server checks again), so a refused post never spends a counter (receivers would see a gap).
  const roster = state.chain.atEpoch(epoch);
  const role = roster?.members.get(identity.deviceId)?.role;
  const refusal = roster && (role ? postRefusal(role, kind, roster.settings) : 'role_forbidden');
  if (refusal) throw new ClientError(refusal, postRefusalText(refusal, kind));
  const sealed = encryptMessage(keys, identity.keys, kind, encodePlaintext(plaintext));
  state.touchEpoch(epoch);
  return { clientMsgId: sealed.clientMsgId, epoch, kind, ciphertext: toB64(sealed.envelope), pinned };
}

/** Pauses before fetching the envelopes again while the current epoch's key is missing (then the send fails with waiting_for_key). */
export const KEY_WAIT_MS = [0, 500, 1500] as const;

const isWaiting = (e: unknown) => e instanceof ClientError && e.code === 'waiting_for_key';

/** Seals under the group's lock; while the key of a newer epoch is missing, fetches the envelopes again a few times. */
async function sealWhenKeyed(
  core: Core,
  state: GroupState,
  post: ResealInput,
): Promise<{ input: PostMessageInput; counter: number }> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await core.lock(state.groupId, async () => {
        const sealed = sealPost(state, core.identity, post.kind, post.plaintext, post.pinned);
        await state.save(core.store);
        // The counter this post spent (the chain has moved past it): recorded once the relay acks it.
        return { input: sealed, counter: (state.keys.get(sealed.epoch)?.sending.counter ?? 0) - 1 };
      });
    } catch (e) {
      if (!isWaiting(e) || attempt >= KEY_WAIT_MS.length) throw e;
    }
    await sleep(KEY_WAIT_MS[attempt]!);
    await core.lock(state.groupId, () => core.syncLocked(state.groupId));
  }
}

/**
 * Seals under the group's lock, posts until acked, then reads up to the
 * stored sequence so the post is in the history when this resolves. A post
 * whose epoch closes before it is stored is sealed again in the new epoch
 * (the outbox and reseal.ts), so the id it resolves with may be a new one.
 */
export async function postPlaintext(
  core: Core,
  groupId: string,
  kind: MessageKind,
  plaintext: Plaintext,
  pinned = false,
): Promise<{ messageId: string; seq: number }> {
  const state = requireGroup(core, groupId);
  const reseal: ResealInput = { kind, plaintext, pinned };
  const { input, counter } = await sealWhenKeyed(core, state, reseal);
  const { seq, clientMsgId } = await core.transport.post(groupId, input, reseal);
  await core.lock(groupId, async () => {
    // Ack bookkeeping: this device's epoch-check claims only counters the relay stored
    // (a post sealed again in a newer epoch never stored this counter).
    if (clientMsgId === input.clientMsgId)
      state.record.acked[input.epoch] = Math.max(state.record.acked[input.epoch] ?? -1, counter);
    if (state.record.lastSeq < seq && !state.record.removed) await syncMessages(core, state);
    else await state.save(core.store);
  });
  return { messageId: clientMsgId, seq };
}

/**
 * After opening an epoch: a profile message (display names do not cross
 * epochs), the group name if this admin started it, and the epoch-check every
 * member posts (roster head, counters read in the previous epoch:
 * delivery-check.ts). `checkOnly` (the roster changed within an epoch) posts
 * only the epoch-check. Resolves when all are stored (best effort: the next
 * epoch announces again); callers inside the group's lock must not wait for it.
 */
export async function announceSelf(core: Core, state: GroupState, withName: boolean, checkOnly = false): Promise<void> {
  if (state.record.consent !== 'accepted') return; // her name goes only to a group she chose
  const sentAt = core.now();
  const posts: Promise<unknown>[] = [];
  if (!checkOnly && withName && state.record.name)
    posts.push(postPlaintext(core, state.groupId, 'meta', { type: 'group-name', sentAt, name: state.record.name }));
  const displayName = core.identity.displayName;
  if (!checkOnly && displayName)
    posts.push(postPlaintext(core, state.groupId, 'meta', { type: 'profile', sentAt, displayName }));
  posts.push(postPlaintext(core, state.groupId, 'meta', buildEpochCheck(state, core.identity.deviceId, sentAt)));
  await Promise.allSettled(posts);
}
