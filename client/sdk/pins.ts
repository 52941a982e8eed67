// Posting a bulletin and pinning one. A pin is two things: the relay's flag
// (what members see marked) and a signed `pin` bulletin-kind message, the
// word of a facilitator or admin that lets a bulletin be carried to later
// newcomers (board-carry.ts, carry-send.ts).
import { carryPinned } from './carry-send';
import { type Core, requireGroup } from './core';
import { postPlaintext } from './send';

function signPin(core: Core, groupId: string, target: string, pinned: boolean) {
  return postPlaintext(core, groupId, 'bulletin', { type: 'pin', sentAt: core.now(), target, pinned });
}

export async function postBulletin(core: Core, groupId: string, text: string, pin: boolean) {
  const posted = await postPlaintext(core, groupId, 'bulletin', { type: 'text', sentAt: core.now(), text }, pin);
  // Best effort: the bulletin stands (pinned by the relay's flag) even if the signed pin cannot go
  // now; then it is not carried to newcomers until someone pins it again.
  if (pin) await signPin(core, groupId, posted.messageId, true).catch(() => {});
  return posted;
}

export async function pinBulletin(core: Core, groupId: string, seq: number, pinned: boolean): Promise<void> {
  const state = requireGroup(core, groupId);
  const target = state.history.find((e) => e.seq === seq && e.kind === 'bulletin');
  if (target) await signPin(core, groupId, target.messageId, pinned);
  await core.session.call((api) => api.pin(groupId, seq, pinned));
  await core.lock(groupId, async () => {
    state.setPinned(new Set([seq]), pinned);
    await state.save(core.store);
  });
  // Members who joined after it was posted cannot read it in its epoch: it is carried to them now.
  if (target && pinned) await carryPinned(core, groupId, { messageId: target.messageId, seq });
}
