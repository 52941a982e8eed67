// Applying a commit to a roster state. Server and clients call the same
// function, so "legal" means the same thing on both sides (P4, P9).
import { fromB64 } from '../../crypto/encoding';
import { deviceIdFromSignPk } from '../device';
import { commitHash, commitSignatureValid, decodeCommit } from './commit';
import {
  type CommitBody,
  type GroupSettings,
  MAX_MEMBERS,
  type Member,
  RosterError,
  type RosterState,
  type SignedCommit,
} from './types';

const DEFAULT_SETTINGS: GroupSettings = { retentionSeconds: null, announcementOnly: false };

function fail(code: RosterError['code'], message: string): never {
  throw new RosterError(code, message);
}

function checkSignature(commit: SignedCommit, signPk: string): void {
  if (!commitSignatureValid(commit, fromB64(signPk)))
    fail('roster_bad_signature', 'roster commit signature does not verify');
}

/** Stops at the first admin (usually the founder, first in the map): no copy of a 5,000-member roster per commit. */
function hasAdmin(members: ReadonlyMap<string, Member>): boolean {
  for (const m of members.values()) if (m.role === 'admin') return true;
  return false;
}

/** Applies the operations to a copy of the members and settings. */
function applyOps(body: CommitBody, members: Map<string, Member>, settings: GroupSettings): boolean {
  let changesMembers = false;
  for (const op of body.ops) {
    switch (op.op) {
      case 'add':
        if (members.has(op.device)) fail('roster_illegal_op', 'device is already a member');
        if (deviceIdFromSignPk(fromB64(op.signPk)) !== op.device)
          fail('roster_illegal_op', 'device id does not match its key');
        members.set(op.device, { role: op.role, signPk: op.signPk });
        changesMembers = true;
        break;
      case 'remove':
        if (!members.delete(op.device)) fail('roster_illegal_op', 'device is not a member');
        changesMembers = true;
        break;
      case 'set-role': {
        const m = members.get(op.device);
        if (!m) fail('roster_illegal_op', 'device is not a member');
        members.set(op.device, { ...m, role: op.role });
        break;
      }
      case 'settings':
        if (op.retentionSeconds !== undefined) settings.retentionSeconds = op.retentionSeconds;
        if (op.announcementOnly !== undefined) settings.announcementOnly = op.announcementOnly;
        if (op.urgentAnswerSeconds !== undefined) settings.urgentAnswerSeconds = op.urgentAnswerSeconds;
        if (op.helpNumbers !== undefined) settings.helpNumbers = [...op.helpNumbers];
        break;
    }
  }
  if (members.size > MAX_MEMBERS) fail('roster_illegal_op', 'group is full');
  if (!hasAdmin(members)) fail('roster_illegal_op', 'the last admin cannot leave or be demoted');
  return changesMembers;
}

/** A member's own leave: exactly one operation, removing its author (any role may; P13). */
export function isLeave(body: CommitBody): boolean {
  const [only, ...rest] = body.ops;
  return rest.length === 0 && only?.op === 'remove' && only.device === body.author;
}

/** Verifies a genesis commit: the author adds herself as the first admin. */
export function applyGenesis(commit: SignedCommit): RosterState {
  const body = decodeCommit(commit);
  if (body.seq !== 0) fail('roster_bad_sequence', 'genesis must have sequence 0');
  if (body.prev !== null) fail('roster_bad_prev', 'genesis has no previous commit');
  if (body.epoch !== 1) fail('roster_bad_epoch', 'genesis starts epoch 1');
  const first = body.ops[0];
  if (first?.op !== 'add' || first.device !== body.author || first.role !== 'admin')
    fail('roster_illegal_op', 'genesis must first add its author as admin');
  if (body.ops.slice(1).some((op) => op.op !== 'settings'))
    fail('roster_illegal_op', 'genesis may only add its author');
  checkSignature(commit, first.signPk);
  const members = new Map<string, Member>();
  const settings = { ...DEFAULT_SETTINGS };
  applyOps(body, members, settings);
  return { group: body.group, seq: 0, head: commitHash(commit), epoch: 1, members, settings };
}

/**
 * Verifies a later commit against the state before it and returns the state
 * after it. Its members are written into `members`: by default a copy of the
 * state's. A caller walking a whole chain may pass one map for the walk (the
 * state's own), which a failing commit leaves half-changed: it then discards
 * the walk (RosterChain.verify). A copy per commit is O(n), so a chain of n
 * one-add commits would copy n^2 / 2 entries (12.5 million at 5,000).
 */
export function applyCommit(
  state: RosterState,
  commit: SignedCommit,
  members: Map<string, Member> = new Map(state.members),
): RosterState {
  const body = decodeCommit(commit);
  if (body.group !== state.group) fail('roster_illegal_op', 'commit names another group');
  if (body.seq !== state.seq + 1) fail('roster_bad_sequence', `expected sequence ${state.seq + 1}`);
  if (body.prev !== state.head) fail('roster_bad_prev', 'previous hash does not match the head');
  const author = state.members.get(body.author);
  if (!author || (author.role !== 'admin' && !isLeave(body)))
    fail('roster_not_admin', 'author is not an admin of the group');
  checkSignature(commit, author.signPk);
  const settings = { ...state.settings };
  const changesMembers = applyOps(body, members, settings);
  // Every join and removal starts a new epoch (P5, P6); an admin may also rotate at will.
  const epochOk = changesMembers
    ? body.epoch === state.epoch + 1
    : body.epoch === state.epoch || body.epoch === state.epoch + 1;
  if (!epochOk) fail('roster_bad_epoch', 'a commit that adds or removes members must start the next epoch');
  return { group: state.group, seq: body.seq, head: commitHash(commit), epoch: body.epoch, members, settings };
}

/** Verifies a whole chain from its genesis. */
export function verifyChain(commits: readonly SignedCommit[]): RosterState {
  if (commits.length === 0) fail('roster_malformed', 'empty roster chain');
  let state = applyGenesis(commits[0]!);
  const walk = new Map(state.members); // one map for the walk: a failing commit throws it away
  for (const c of commits.slice(1)) state = applyCommit(state, c, walk);
  return state;
}
