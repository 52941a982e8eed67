// Which epochs this device may still seal in (P5). The newest epoch it holds,
// unless the verified roster has moved past it with a commit that removed a
// member: the removed device holds that epoch's keys, so a post sealed in it
// would be readable by her. Then the device waits for the new epoch's key,
// however long the server withholds it (PROTOCOL.md section 6).
import type { GroupState } from './group-state';

/** What a send that must wait for the new key says (the app and the CLI say it in the person's language). */
export const WAITING_FOR_KEY_MESSAGE =
  "waiting for the group's new key: a member was removed and the new epoch's key has not arrived";

/** Whether a post sealed in `epoch` may no longer leave: a newer epoch exists and someone left the roster since `epoch` began. */
export function epochClosed(state: GroupState, epoch: number): boolean {
  return epoch < state.chain.current.epoch && state.chain.removedSince(epoch);
}

/** Whether this device holds keys but must wait for the current epoch's before it sends anything. */
export function waitingForKey(state: GroupState): boolean {
  return state.keys.size > 0 && epochClosed(state, state.latestEpoch);
}
