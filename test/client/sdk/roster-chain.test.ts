// The verified chain keeps its states compactly (the members each commit
// changed, a full map now and then): every question it answers must come out
// as if it kept every state whole. The reference here keeps every state.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { RosterChain } from '../../../client/sdk/roster-chain';
import { cryptoReady } from '../../../shared/crypto/sodium';
import { type DeviceKeys, generateDeviceKeys } from '../../../shared/protocol/device';
import { applyGenesis, type RosterOp, type RosterState, type SignedCommit } from '../../../shared/protocol/roster';
import { addOp, commitNext, genesisCommit, idOf } from '../../shared/protocol/fixtures';

beforeAll(cryptoReady);

/** A chain of joins, removals, re-joins, role changes and key rotations, longer than several snapshots. */
function eventfulChain(length: number): { commits: SignedCommit[]; states: RosterState[]; devices: DeviceKeys[] } {
  const admin = generateDeviceKeys();
  const genesis = genesisCommit(admin);
  const commits = [genesis];
  const states = [applyGenesis(genesis)];
  const devices = [admin];
  const pool = Array.from({ length: 80 }, () => generateDeviceKeys());
  let rng = 7;
  const next = (n: number) => {
    rng = (rng * 1103515245 + 12345) % 2 ** 31;
    return (rng >> 16) % n;
  };
  while (commits.length < length) {
    const state = states[states.length - 1]!;
    const outside = pool.filter((d) => !state.members.has(idOf(d)));
    const inside = pool.filter((d) => state.members.has(idOf(d)));
    const pick = next(5);
    let ops: RosterOp[];
    let epoch: number | undefined;
    if ((pick <= 1 || inside.length === 0) && outside.length > 0) ops = [addOp(outside[next(outside.length)]!)];
    else if (pick === 2 && inside.length > 0) ops = [{ op: 'remove', device: idOf(inside[next(inside.length)]!) }];
    else if (pick === 3 && inside.length > 0) {
      const d = inside[next(inside.length)]!;
      ops = [
        {
          op: 'set-role',
          device: idOf(d),
          role: state.members.get(idOf(d))!.role === 'member' ? 'facilitator' : 'member',
        },
      ];
      epoch = state.epoch; // a role change may keep the epoch
    } else if (inside.length > 0 && outside.length > 0) {
      // a removal and a join in one commit
      ops = [{ op: 'remove', device: idOf(inside[0]!) }, addOp(outside[0]!)];
    } else ops = [{ op: 'settings', announcementOnly: next(2) === 0 }];
    const { commit, state: after } = commitNext(state, admin, ops, epoch === undefined ? {} : { epoch });
    commits.push(commit);
    states.push(after);
  }
  for (const d of pool) devices.push(d);
  return { commits, states, devices };
}

const entries = (s: RosterState | undefined) => (s ? [s.seq, s.head, s.epoch, [...s.members].sort(), s.settings] : s);

describe('roster chain', () => {
  it('answers every question about a long, eventful chain as a chain that kept every state whole would', () => {
    const { commits, states, devices } = eventfulChain(300);
    const chain = RosterChain.verify(commits.slice(0, 150));
    for (const c of commits.slice(150)) chain.append(c);
    const ids = devices.map(idOf);
    const epochs = [...new Set(states.map((s) => s.epoch))];

    expect(entries(chain.current)).toEqual(entries(states.at(-1)));
    // asked in a scrambled order, so states are rebuilt from snapshots as well as remembered
    for (const i of [0, 1, 63, 64, 65, 299, 128, 5, 200, 127, 64, 250, 1]) {
      expect(entries(chain.atHead(states[i]!.head))).toEqual(entries(states[i]));
      expect(chain.headAt(states[i]!.seq)).toBe(states[i]!.head);
    }
    for (const e of epochs) {
      const last = [...states].reverse().find((s) => s.epoch === e);
      expect(entries(chain.atEpoch(e))).toEqual(entries(last));
      const removedSince = states.some(
        (after, i) =>
          i > 0 &&
          !(after.epoch <= e && states[i - 1]!.epoch < e) &&
          [...states[i - 1]!.members.keys()].some((d) => !after.members.has(d)),
      );
      expect(chain.removedSince(e)).toBe(removedSince);
    }
    const former = new Map<string, string>();
    for (let i = 1; i < states.length; i++)
      for (const [d, m] of states[i - 1]!.members) if (!states[i]!.members.has(d)) former.set(d, m.role);
    for (const d of states.at(-1)!.members.keys()) former.delete(d);
    expect([...chain.formerMembers()].sort()).toEqual([...former].sort());
    expect(former.size).toBeGreaterThan(0);
    for (const id of ids) {
      const joins = states.map((s, i) => s.members.has(id) && !states[i - 1]?.members.has(id));
      const joined = joins.lastIndexOf(true);
      expect(chain.joinEpoch(id)).toBe(joined < 0 ? Number.MAX_SAFE_INTEGER : states[joined]!.epoch);
      expect(chain.removedBy(id)).toBe(states.at(-1)!.members.has(id) || !former.has(id) ? null : idOf(devices[0]!));
    }
    expect(chain.atEpoch(states.at(-1)!.epoch + 1)).toBeUndefined();
    expect(chain.atHead('no such head')).toBeUndefined();
  });

  it('a group grown one approval per commit to 5,000 members verifies into a chain of a few MiB, its old states still there', () => {
    const admin = generateDeviceKeys();
    const genesis = genesisCommit(admin);
    const commits = [genesis];
    let state = applyGenesis(genesis);
    const heads = [state.head];
    for (let i = 1; i < 5000; i++) {
      const r = commitNext(state, admin, [addOp(generateDeviceKeys())]);
      commits.push(r.commit);
      heads.push(r.state.head);
      state = r.state;
    }
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    const chain = RosterChain.verify(commits);
    gc();
    const keptMiB = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
    // every state whole would be 12.5 million map entries (hundreds of MiB)
    expect(keptMiB).toBeLessThan(48);
    expect(chain.current.members.size).toBe(5000);
    expect(chain.atHead(heads[2500]!)!.members.size).toBe(2501);
    expect(chain.atEpoch(1)!.members.size).toBe(1);
  }, 60_000);
});
