// Roster changes by an admin: every commit this client makes starts a new
// epoch (PROTOCOL.md section 6), so the roster is fixed within an epoch.
import { toB64 } from '../../shared/crypto/encoding';
import { randomBytes } from '../../shared/crypto/primitives';
import { type RosterOp, applyCommit, signCommit } from '../../shared/protocol/roster';
import { carryPinned } from './carry-send';
import { type Core, requireGroup } from './core';
import { startEpoch } from './epochs';
import { ClientError } from './errors';
import { GroupState } from './group-state';
import { RosterChain } from './roster-chain';
import { RelayError } from './relay-api';

export function requireAdmin(core: Core, state: GroupState): void {
  if (state.record.removed) throw new ClientError('removed', 'this device is no longer a member of the group');
  if (state.chain.current.members.get(core.identity.deviceId)?.role !== 'admin')
    throw new ClientError('not_admin', 'only admins may do this');
}

type Submit = (commit: ReturnType<typeof signCommit>) => Promise<unknown>;

/**
 * The next commit of the verified chain, signed by this device: the next
 * sequence, the next epoch, `ops`. Checked against the verified state, so an
 * illegal change (e.g. the last admin leaving) fails here, before the server sees it.
 */
export function signNextCommit(core: Core, state: GroupState, ops: RosterOp[]): ReturnType<typeof signCommit> {
  const cur = state.chain.current;
  const body = {
    v: 1 as const,
    group: cur.group,
    seq: cur.seq + 1,
    prev: cur.head,
    epoch: cur.epoch + 1,
    author: core.identity.deviceId,
    ops,
  };
  const commit = signCommit(body, core.identity.keys.signSk);
  applyCommit(cur, commit);
  return commit;
}

/**
 * Signs a commit with the next sequence and the next epoch, checks it against
 * the verified state, hands it to the server (through `submit`), and starts
 * the epoch. The caller holds the group's lock.
 */
export async function commitOps(core: Core, state: GroupState, ops: RosterOp[], submit?: Submit): Promise<void> {
  requireAdmin(core, state);
  const commit = signNextCommit(core, state, ops);
  await (submit ?? ((c) => core.session.call((api) => api.appendCommit(state.groupId, c))))(commit);
  state.chain.append(commit);
  await state.save(core.store);
  await startEpoch(core.session, state, core.identity, core.now());
  await state.save(core.store);
}

const isConflict = (e: unknown) => e instanceof RelayError && e.code === 'roster_conflict';

/**
 * A roster change under the group's lock; if another admin committed first,
 * syncs and tries once more. Resolves once the group name and this admin's
 * profile are posted in the new epoch.
 */
export async function changeRoster(
  core: Core,
  groupId: string,
  ops: (state: GroupState) => Promise<RosterOp[]> | RosterOp[],
  submit?: Submit,
): Promise<void> {
  const state = requireGroup(core, groupId);
  const attempt = async () => commitOps(core, state, await ops(state), submit);
  await core.lock(groupId, async () => {
    try {
      await attempt();
    } catch (e) {
      if (!isConflict(e)) throw e;
      await core.syncLocked(groupId);
      await attempt();
    }
  });
  await core.announceSelf(state, true);
}

/**
 * Approves a join request: a commit adding exactly the requesting device with
 * the invited role; then the bulletins pinned now are carried into the new
 * epoch, so the newcomer's board is not empty (board-carry.ts).
 */
export async function approve(core: Core, groupId: string, requestId: string): Promise<void> {
  await changeRoster(
    core,
    groupId,
    async () => {
      const request = (await core.session.call((api) => api.joinRequests(groupId))).find(
        (r) => r.requestId === requestId,
      );
      if (!request) throw new RelayError(404, 'join_request_not_found', 'no such join request');
      return [{ op: 'add', device: request.device.deviceId, signPk: request.device.signPk, role: request.role }];
    },
    (commit) => core.session.call((api) => api.approveJoinRequest(groupId, requestId, commit)),
  );
  await carryPinned(core, groupId);
}

/** A new group: the genesis makes this device its first admin, and epoch 1 starts at once. */
export async function createGroup(
  core: Core,
  name: string,
  settings: { retentionSeconds?: number | null; announcementOnly?: boolean },
): Promise<string> {
  const groupId = toB64(randomBytes(16));
  const self = core.identity.keys;
  const me = core.identity.deviceId;
  const ops: RosterOp[] = [{ op: 'add', device: me, signPk: toB64(self.signPk), role: 'admin' }];
  if (settings.retentionSeconds !== undefined || settings.announcementOnly !== undefined)
    ops.push({ op: 'settings', ...settings });
  const genesis = signCommit({ v: 1, group: groupId, seq: 0, prev: null, epoch: 1, author: me, ops }, self.signSk);
  const state = GroupState.create(groupId, RosterChain.verify([genesis]));
  state.record.name = name;
  await core.session.call((api) => api.createGroup(genesis));
  core.states.set(groupId, state);
  core.transport.follow(groupId);
  await core.lock(groupId, async () => {
    await startEpoch(core.session, state, core.identity, core.now());
    await state.save(core.store);
  });
  await core.announceSelf(state, true);
  return groupId;
}
