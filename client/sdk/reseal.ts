// Posts that were waiting in the outbox when their epoch closed (a member was
// removed before the server stored them) are sealed again in the new epoch
// once its key is here, never sent in the old one. One the server did store
// (this device read it back) is taken as acked instead, so nothing is sent twice.
import type { Core } from './core';
import { ClientError } from './errors';
import type { GroupState } from './group-state';
import type { PendingPost } from './outbox';
import { sleep } from './backoff';
import { WAITING_FOR_KEY_MESSAGE } from './sealing-rule';
import { KEY_WAIT_MS, sealPost } from './send';

const staleOf = (core: Core, groupId: string): PendingPost[] =>
  core.transport.outbox.list().filter((p) => p.groupId === groupId && p.stale);

/**
 * Seals this group's stale posts again in the newest epoch, if this device
 * may seal in it; the caller holds the group's lock and has just synced.
 * Returns how many still wait for a key.
 */
export async function resealStale(core: Core, state: GroupState): Promise<number> {
  const outbox = core.transport.outbox;
  const resealed: [string, PendingPost][] = [];
  let waiting = 0;
  for (const post of staleOf(core, state.groupId)) {
    const oldId = post.input.clientMsgId;
    const storedAt = state.seenAt(oldId);
    if (storedAt !== undefined) {
      outbox.acked(oldId, { groupId: state.groupId, seq: storedAt, duplicate: true });
      continue;
    }
    // Only a newer epoch helps (the relay refused this one, or it closed): never the same one again.
    if (state.latestEpoch <= post.input.epoch) {
      waiting++;
      continue;
    }
    try {
      const input = sealPost(state, core.identity, post.reseal!.kind, post.reseal!.plaintext, post.reseal!.pinned);
      resealed.push([oldId, { groupId: post.groupId, input, reseal: post.reseal! }]);
    } catch (e) {
      const code = e instanceof ClientError ? e.code : 'internal_error';
      if (code === 'waiting_for_key' || code === 'no_epoch_key') waiting++;
      else outbox.fail(oldId, code, (e as Error).message);
    }
  }
  if (resealed.length === 0) return waiting;
  await state.save(core.store); // the advanced chain is saved before the posts leave
  for (const [oldId, post] of resealed) core.transport.replaceStale(oldId, post);
  return waiting;
}

/**
 * A post of this group just went stale: fetch the new key (a few times, as
 * a send does) and seal it again. If the key does not come, a send someone
 * is waiting for fails with waiting_for_key; posts of an earlier run stay
 * and are sealed at a later sync, when the key arrives.
 */
export async function resealWhenKeyed(core: Core, groupId: string): Promise<void> {
  for (const pause of KEY_WAIT_MS) {
    await sleep(pause);
    const waiting = await core.lock(groupId, async () => {
      await core.syncLocked(groupId); // ends with resealStale
      return staleOf(core, groupId).length;
    });
    if (waiting === 0) return;
  }
  for (const post of staleOf(core, groupId)) {
    const id = post.input.clientMsgId;
    if (core.transport.outbox.awaited(id)) core.transport.outbox.fail(id, 'waiting_for_key', WAITING_FOR_KEY_MESSAGE);
  }
}
