// Posting carried bulletins (board-carry.ts builds them): after an approval,
// every bulletin pinned now goes into the new epoch; after a pin, that one
// bulletin goes to the members who joined after it was posted. Best effort:
// the approval or the pin stands whatever happens here.
import { carriedPosts } from './board-carry';
import { type Core, requireGroup } from './core';
import { postPlaintext } from './send';

/**
 * Carries the bulletins pinned now (by the relay's flag and a signed pin) into
 * the newest epoch, one meta message each; one too large to carry (over about
 * 48 KB of text), or a post that fails, leaves the rest going. Resolves with
 * how many were carried.
 */
export async function carryPinned(core: Core, groupId: string, only?: { messageId: string; seq: number }) {
  const state = requireGroup(core, groupId);
  let pinned: Set<number>;
  try {
    // Caught up first: a bulletin posted or pinned a moment ago is held here too, and the
    // carry is sealed in the newest epoch (the one a newcomer holds), not the one before.
    await core.lock(groupId, () => core.syncLocked(groupId));
    pinned = only
      ? new Set([only.seq])
      : new Set((await core.session.call((api) => api.pinned(groupId))).map((m) => m.seq));
  } catch {
    return 0;
  }
  let carried = 0;
  for (const post of carriedPosts(state, pinned, core.now(), only?.messageId)) {
    try {
      await postPlaintext(core, groupId, 'meta', post);
      carried++;
    } catch {
      // the others still go
    }
  }
  return carried;
}
