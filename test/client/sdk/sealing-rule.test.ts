// Which epochs a device may still seal in: after a commit that removed a
// member, none from before it (P5); after a join or a plain rotation, the
// held epoch stays usable. The adversarial test of the rule through the
// relay: test/adversarial/withheld-epoch-key.test.ts.
import { beforeAll, describe, expect, it } from 'vitest';
import { GroupState } from '../../../client/sdk/group-state';
import { RosterChain } from '../../../client/sdk/roster-chain';
import { epochClosed, waitingForKey } from '../../../client/sdk/sealing-rule';
import { randomBytes } from '../../../shared/crypto/primitives';
import { cryptoReady } from '../../../shared/crypto/sodium';
import { type DeviceKeys, generateDeviceKeys } from '../../../shared/protocol/device';
import { openEpoch } from '../../../shared/protocol/epoch-keys';
import type { RosterOp } from '../../../shared/protocol/roster';
import { addOp, commitNext, idOf, makeGroup } from '../../shared/protocol/fixtures';

beforeAll(cryptoReady);

/** Epochs: 2 (two members), 3 (a join), 4 (a rotation), 5 (a removal), 6 (a rotation). */
function history() {
  const g = makeGroup(1);
  const [admin, alice] = g.members as [DeviceKeys, DeviceKeys];
  const eve = generateDeviceKeys();
  const commits = [...g.chain];
  let state = g.roster;
  const step = (ops: RosterOp[]) => {
    const r = commitNext(state, admin, ops); // every commit starts the next epoch, as the SDK's do
    commits.push(r.commit);
    state = r.state;
  };
  step([addOp(eve)]);
  step([]);
  step([{ op: 'remove', device: idOf(eve) }]);
  step([]);
  return { chain: RosterChain.verify(commits), alice };
}

describe('the sealing rule', () => {
  it('closes every epoch that began before a removal, once the roster has moved past it', () => {
    const { chain } = history();
    expect(chain.current.epoch).toBe(6);
    expect([2, 3, 4].map((e) => chain.removedSince(e))).toEqual([true, true, true]);
    expect([5, 6].map((e) => chain.removedSince(e))).toEqual([false, false]);
  });

  it('makes a device that holds an epoch before the removal wait, and one that holds a later epoch send', () => {
    const { chain, alice } = history();
    const state = GroupState.create(chain.current.group, chain);
    const hold = (epoch: number) =>
      state.setEpochKeys(openEpoch(randomBytes(32), chain.atEpoch(epoch)!, idOf(alice)), 0);
    expect(waitingForKey(state)).toBe(false); // no key at all: that is no_epoch_key, not this
    hold(4);
    expect(waitingForKey(state)).toBe(true);
    expect(state.view(idOf(alice), null).waitingForKey).toBe(true);
    hold(5); // the removal's epoch, one behind the current: allowed, as after any rotation
    expect(waitingForKey(state)).toBe(false);
    expect(epochClosed(state, 4)).toBe(true);
    expect(epochClosed(state, 5)).toBe(false);
  });
});
