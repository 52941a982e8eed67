// Sending: the next key of this device's sending chain in the newest epoch it
// holds, unless a newer epoch removed someone (then it waits for that key:
// sealing-rule.ts). The advanced chain is saved before the post leaves the
// device, so a crash never reuses a counter (PROTOCOL.md section 7); the post
// is retried until the server acks it (transport.ts).
import { fromB64, toB64 } from '../../shared/crypto/encoding';
import { randomBytes } from '../../shared/crypto/primitives';
import { encryptMessage, MESSAGE_ID_BYTES } from '../../shared/protocol/message-envelope';
import { encodePlaintext, type Plaintext } from '../../shared/protocol/plaintext';
import { type MessageKind, postRefusal, postRefusalText } from '../../shared/protocol/posting-rules';
import type { PostMessageInput } from '../../shared/schemas/messages';
import { sleep } from './backoff';
import { type Core, requireGroup } from './core';
import { buildEpochCheck } from './delivery-check';
import { requireAccepted } from './consent';
import { ClientError } from './errors';
import type { SendOptions } from './client-api';
import type { GroupState } from './group-state';
import type { Identity } from './identity';
import type { HeldWaiter } from './held';
import type { PostAck, ResealInput } from './outbox';
import { epochClosed, WAITING_FOR_KEY_MESSAGE } from './sealing-rule';
import { syncMessages } from './sync';

/** Throws when her role in that epoch's roster may not post this kind (the server checks again). */
function checkRole(state: GroupState, identity: Identity, kind: MessageKind, epoch: number): void {
  const roster = state.chain.atEpoch(epoch);
  const role = roster?.members.get(identity.deviceId)?.role;
  const refusal = roster && (role ? postRefusal(role, kind, roster.settings) : 'role_forbidden');
  if (refusal) throw new ClientError(refusal, postRefusalText(refusal, kind));
}

/** What refuses a post whatever the keys: her removal, an invitation not accepted, her role in the newest held epoch. */
export function checkMayPost(state: GroupState, identity: Identity, kind: MessageKind): void {
  if (state.record.removed) throw new ClientError('removed', 'this device is no longer a member of the group');
  requireAccepted(state); // an invitation she has not accepted hears nothing from her (P13)
  checkRole(state, identity, kind, state.latestEpoch);
}

/** `messageId`: the id chosen when the post was held (held.ts); a fresh random one otherwise. */
export function sealPost(
  state: GroupState,
  identity: Identity,
  kind: MessageKind,
  plaintext: Plaintext,
  pinned = false,
  messageId?: string,
): PostMessageInput {
  if (state.record.removed) throw new ClientError('removed', 'this device is no longer a member of the group');
  requireAccepted(state); // an invitation she has not accepted hears nothing from her (P13)
  const epoch = state.latestEpoch;
  const keys = state.keys.get(epoch);
  if (!keys) throw new ClientError('no_epoch_key', 'no epoch key yet: an admin has not sealed one to this device');
  // A removed member holds the keys of the epochs before her removal: never seal in one of those (P5).
  if (epochClosed(state, epoch)) throw new ClientError('waiting_for_key', WAITING_FOR_KEY_MESSAGE);
  // Checked here too (the server checks again), so a refused post never spends a counter (receivers would see a gap).
  checkRole(state, identity, kind, epoch);
  const id = messageId === undefined ? undefined : fromB64(messageId);
  const sealed = encryptMessage(keys, identity.keys, kind, encodePlaintext(plaintext), id);
  state.touchEpoch(epoch);
  return { clientMsgId: sealed.clientMsgId, epoch, kind, ciphertext: toB64(sealed.envelope), pinned };
}

/** Pauses before fetching the envelopes again while the current epoch's key is missing (then the send fails with waiting_for_key). */
export const KEY_WAIT_MS = [0, 500, 1500] as const;

const isWaiting = (e: unknown) => e instanceof ClientError && e.code === 'waiting_for_key';

interface Sealed {
  input: PostMessageInput;
  /** the counter this post spent (the chain has moved past it): recorded once the relay acks it */
  counter: number;
}

/** Seals and saves the advanced chain; the caller holds the group's lock. */
async function sealAndSave(core: Core, state: GroupState, post: ResealInput, messageId?: string): Promise<Sealed> {
  const input = sealPost(state, core.identity, post.kind, post.plaintext, post.pinned, messageId);
  await state.save(core.store);
  return { input, counter: (state.keys.get(input.epoch)?.sending.counter ?? 0) - 1 };
}

/** Seals under the group's lock; while the key of a newer epoch is missing, fetches the envelopes again a few times. */
async function sealWhenKeyed(core: Core, state: GroupState, post: ResealInput): Promise<Sealed> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await core.lock(state.groupId, () => sealAndSave(core, state, post));
    } catch (e) {
      if (!isWaiting(e) || attempt >= KEY_WAIT_MS.length) throw e;
    }
    await sleep(KEY_WAIT_MS[attempt]!);
    await core.lock(state.groupId, () => core.syncLocked(state.groupId));
  }
}

/** After the ack: the ack bookkeeping, then reads up to the stored sequence. */
async function settle(
  core: Core,
  state: GroupState,
  { input, counter }: Sealed,
  ack: Promise<PostAck>,
): Promise<{ messageId: string; seq: number }> {
  const { seq, clientMsgId } = await ack;
  await core.lock(state.groupId, async () => {
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
 * Whether a post waits unsealed (held.ts): a chat message while the live
 * connection runs but the group's socket is not up, or behind messages
 * already held (the order is kept). Bulletins, meta posts and clients without
 * a live connection (the CLI) seal at once and retry over HTTP as before.
 */
function mustHold(core: Core, groupId: string, kind: MessageKind): boolean {
  if (kind !== 'message' || !core.transport.live) return false;
  return !core.transport.connected(groupId) || core.held.list(groupId).length > 0;
}

/**
 * Seals under the group's lock, posts until acked, then reads up to the
 * stored sequence so the post is in the history when this resolves. A post
 * whose epoch closes before it is stored is sealed again in the new epoch
 * (the outbox and reseal.ts), so the id it resolves with may be a new one.
 * Offline, a message is held unsealed until the socket is up (releaseHeld);
 * `onHeld` then learns its id, which cancelQueued takes. Otherwise `onSealed`
 * learns the id before the post leaves (the relay's echo may come first).
 */
export async function postPlaintext(
  core: Core,
  groupId: string,
  kind: MessageKind,
  plaintext: Plaintext,
  pinned = false,
  hooks: Pick<SendOptions, 'onHeld' | 'onSealed'> = {},
): Promise<{ messageId: string; seq: number }> {
  const state = requireGroup(core, groupId);
  const reseal: ResealInput = { kind, plaintext, pinned };
  if (mustHold(core, groupId, kind)) {
    checkMayPost(state, core.identity, kind);
    const messageId = toB64(randomBytes(MESSAGE_ID_BYTES));
    const { saved, done } = core.held.add({ groupId, messageId, post: reseal, queuedAt: core.now() });
    await saved;
    hooks.onHeld?.(messageId);
    core.emit({ type: 'queue', groupId });
    return done;
  }
  const sealed = await sealWhenKeyed(core, state, reseal);
  hooks.onSealed?.(sealed.input.clientMsgId);
  return settle(core, state, sealed, core.transport.post(groupId, sealed.input, reseal));
}

const keyMissing = (e: unknown) =>
  e instanceof ClientError && (e.code === 'waiting_for_key' || e.code === 'no_epoch_key');

/**
 * The group's socket is up: its held posts are sealed, oldest first, and
 * handed to the outbox (under the lock, so a cancel comes either before,
 * and the post is never sealed, or after, and it is refused). While the new
 * epoch's key is missing they stay held (the sync that brings it releases
 * them); a post refused for good (her role, her removal) is dropped and its
 * sender told.
 */
export async function releaseHeld(core: Core, groupId: string): Promise<void> {
  for (;;) {
    const next = core.held.list(groupId)[0];
    const state = core.states.get(groupId);
    if (!next || !state || !core.transport.connected(groupId)) return;
    let released: { sealed: Sealed; ack: Promise<PostAck>; waiter?: HeldWaiter } | null;
    try {
      released = await core.lock(groupId, async () => {
        if (!core.held.has(groupId, next.messageId)) return null; // cancelled meanwhile
        const sealed = await sealAndSave(core, state, next.post, next.messageId);
        const ack = core.transport.post(groupId, sealed.input, next.post);
        return { sealed, ack, waiter: await core.held.take(next.messageId) };
      });
    } catch (e) {
      if (keyMissing(e)) return;
      const waiter = await core.lock(groupId, () => core.held.take(next.messageId));
      core.emit({ type: 'queue', groupId });
      waiter?.reject(e as Error);
      continue;
    }
    if (!released) continue;
    core.emit({ type: 'queue', groupId });
    const { waiter } = released;
    const done = settle(core, state, released.sealed, released.ack);
    core.inBackground(done);
    done.then(
      (r) => waiter?.resolve(r),
      (e: Error) => waiter?.reject(e),
    );
  }
}

/** Withdraws a held post: true when it was still held (never sealed, never sent, and now never will be). */
export async function cancelHeld(core: Core, groupId: string, messageId: string): Promise<boolean> {
  requireGroup(core, groupId);
  const taken = await core.lock(groupId, async () =>
    core.held.has(groupId, messageId) ? { waiter: await core.held.take(messageId) } : null,
  );
  if (!taken) return false;
  core.emit({ type: 'queue', groupId });
  taken.waiter?.reject(new ClientError('cancelled', 'she cancelled this message before it was sent'));
  return true;
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
