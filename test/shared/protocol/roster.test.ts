import { beforeAll, describe, expect, it } from 'vitest';
import { toB64, utf8 } from '../../../shared/crypto/encoding';
import { cryptoReady } from '../../../shared/crypto/sodium';
import { generateDeviceKeys } from '../../../shared/protocol/device';
import {
  applyCommit,
  applyGenesis,
  commitHash,
  decodeCommit,
  MAX_MEMBERS,
  RosterError,
  type RosterErrorCode,
  signCommit,
  verifyChain,
} from '../../../shared/protocol/roster';
import { addOp, commitNext, genesisCommit, idOf, makeGroup, newGroupId, nextBody } from './fixtures';

beforeAll(cryptoReady);

function expectRosterError(f: () => unknown, code: RosterErrorCode) {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(RosterError);
    expect((e as RosterError).code).toBe(code);
    return;
  }
  throw new Error(`expected ${code}`);
}

describe('roster genesis', () => {
  it('makes the author the only admin at epoch 1', () => {
    const admin = generateDeviceKeys();
    const s = applyGenesis(genesisCommit(admin));
    expect(s.seq).toBe(0);
    expect(s.epoch).toBe(1);
    expect([...s.members]).toEqual([[idOf(admin), { role: 'admin', signPk: toB64(admin.signPk) }]]);
    expect(s.settings).toEqual({ retentionSeconds: null, announcementOnly: false });
  });

  it('may carry settings', () => {
    const admin = generateDeviceKeys();
    const commit = signCommit(
      {
        v: 1,
        group: newGroupId(),
        seq: 0,
        prev: null,
        epoch: 1,
        author: idOf(admin),
        ops: [addOp(admin, 'admin'), { op: 'settings', retentionSeconds: 86400, announcementOnly: true }],
      },
      admin.signSk,
    );
    expect(applyGenesis(commit).settings).toEqual({ retentionSeconds: 86400, announcementOnly: true });
  });

  it('rejects a bad sequence, prev, epoch or first op', () => {
    const admin = generateDeviceKeys();
    expectRosterError(() => applyGenesis(genesisCommit(admin, newGroupId(), { seq: 1 })), 'roster_bad_sequence');
    expectRosterError(
      () => applyGenesis(genesisCommit(admin, newGroupId(), { prev: toB64(new Uint8Array(32)) })),
      'roster_bad_prev',
    );
    expectRosterError(() => applyGenesis(genesisCommit(admin, newGroupId(), { epoch: 2 })), 'roster_bad_epoch');
    const other = generateDeviceKeys();
    expectRosterError(
      () => applyGenesis(genesisCommit(admin, newGroupId(), { ops: [addOp(admin, 'member')] })),
      'roster_illegal_op',
    );
    expectRosterError(
      () => applyGenesis(genesisCommit(admin, newGroupId(), { ops: [addOp(other, 'admin')] })),
      'roster_illegal_op',
    );
    expectRosterError(
      () => applyGenesis(genesisCommit(admin, newGroupId(), { ops: [addOp(admin, 'admin'), addOp(other)] })),
      'roster_illegal_op',
    );
    expectRosterError(() => applyGenesis(genesisCommit(admin, newGroupId(), { ops: [] })), 'roster_illegal_op');
  });

  it('rejects a genesis signed by someone other than the author', () => {
    const admin = generateDeviceKeys();
    const mallory = generateDeviceKeys();
    const honest = genesisCommit(admin);
    const forged = { body: honest.body, sig: signCommit(decodeCommit(honest), mallory.signSk).sig };
    expectRosterError(() => applyGenesis(forged), 'roster_bad_signature');
  });

  it('rejects a genesis whose author id does not match the key it adds', () => {
    const admin = generateDeviceKeys();
    const other = generateDeviceKeys();
    const op = { ...addOp(admin, 'admin'), signPk: toB64(other.signPk) };
    // signed by the key it claims, but the id is derived from another key
    const commit = signCommit(
      { v: 1, group: newGroupId(), seq: 0, prev: null, epoch: 1, author: idOf(admin), ops: [op] },
      other.signSk,
    );
    expectRosterError(() => applyGenesis(commit), 'roster_illegal_op');
  });
});

describe('roster commits', () => {
  it('adds, changes roles, applies settings and removes', () => {
    const g = makeGroup(2);
    const [admin, a, b] = g.members as [typeof g.admin, typeof g.admin, typeof g.admin];
    expect(g.roster.members.size).toBe(3);
    expect(g.roster.epoch).toBe(2);

    let { state } = commitNext(g.roster, admin, [{ op: 'set-role', device: idOf(a), role: 'facilitator' }], {
      epoch: g.roster.epoch,
    });
    expect(state.members.get(idOf(a))?.role).toBe('facilitator');
    expect(state.epoch).toBe(2);

    ({ state } = commitNext(state, admin, [{ op: 'settings', retentionSeconds: 7 * 86400 }], { epoch: state.epoch }));
    expect(state.settings).toEqual({ retentionSeconds: 7 * 86400, announcementOnly: false });

    ({ state } = commitNext(state, admin, [{ op: 'remove', device: idOf(b) }]));
    expect(state.members.has(idOf(b))).toBe(false);
    expect(state.epoch).toBe(3);
    expect(state.seq).toBe(4);
  });

  it('lets an admin rotate the epoch with no operations, but not skip one', () => {
    const g = makeGroup(1);
    expect(commitNext(g.roster, g.admin, []).state.epoch).toBe(g.roster.epoch + 1);
    expectRosterError(() => commitNext(g.roster, g.admin, [], { epoch: g.roster.epoch + 2 }), 'roster_bad_epoch');
    expectRosterError(() => commitNext(g.roster, g.admin, [], { epoch: g.roster.epoch - 1 }), 'roster_bad_epoch');
  });

  it('requires a new epoch for every add or remove', () => {
    const g = makeGroup(1);
    const c = generateDeviceKeys();
    expectRosterError(() => commitNext(g.roster, g.admin, [addOp(c)], { epoch: g.roster.epoch }), 'roster_bad_epoch');
    expectRosterError(
      () => commitNext(g.roster, g.admin, [{ op: 'remove', device: idOf(g.members[1]!) }], { epoch: g.roster.epoch }),
      'roster_bad_epoch',
    );
  });

  it('keeps the last admin from leaving or being demoted', () => {
    const g = makeGroup(1);
    expectRosterError(
      () => commitNext(g.roster, g.admin, [{ op: 'remove', device: idOf(g.admin) }]),
      'roster_illegal_op',
    );
    expectRosterError(
      () =>
        commitNext(g.roster, g.admin, [{ op: 'set-role', device: idOf(g.admin), role: 'facilitator' }], {
          epoch: g.roster.epoch,
        }),
      'roster_illegal_op',
    );
    // with a second admin, the first may leave
    const promoted = commitNext(g.roster, g.admin, [{ op: 'set-role', device: idOf(g.members[1]!), role: 'admin' }], {
      epoch: g.roster.epoch,
    }).state;
    expect(commitNext(promoted, g.admin, [{ op: 'remove', device: idOf(g.admin) }]).state.members.size).toBe(1);
  });

  it('refuses a commit by a non-admin (member or facilitator) or a non-member', () => {
    const g = makeGroup(2, ['member', 'facilitator']);
    const c = generateDeviceKeys();
    for (const author of [g.members[1]!, g.members[2]!, c])
      expectRosterError(() => commitNext(g.roster, author, [addOp(generateDeviceKeys())]), 'roster_not_admin');
  });

  it('lets a member of any role sign her own leave, starting the next epoch, and nothing more', () => {
    const g = makeGroup(2, ['member', 'facilitator']);
    for (const leaver of [g.members[1]!, g.members[2]!]) {
      const after = commitNext(g.roster, leaver, [{ op: 'remove', device: idOf(leaver) }]).state;
      expect(after.members.has(idOf(leaver))).toBe(false);
      expect(after.epoch).toBe(g.roster.epoch + 1);
    }
    const member = g.members[1]!;
    const self = { op: 'remove' as const, device: idOf(member) };
    expectRosterError(() => commitNext(g.roster, member, [self], { epoch: g.roster.epoch }), 'roster_bad_epoch');
    expectRosterError(
      () => commitNext(g.roster, member, [{ op: 'remove', device: idOf(g.members[2]!) }]),
      'roster_not_admin',
    );
    expectRosterError(
      () => commitNext(g.roster, member, [self, { op: 'settings', announcementOnly: true }]),
      'roster_not_admin',
    );
    // someone else's key cannot sign her leave
    expectRosterError(
      () => applyCommit(g.roster, signCommit(nextBody(g.roster, member, [self]), g.members[2]!.signSk)),
      'roster_bad_signature',
    );
  });

  it('refuses a forged signature (admin named as author, someone else signs)', () => {
    const g = makeGroup(1);
    const mallory = g.members[1]!;
    const body = nextBody(g.roster, g.admin, [{ op: 'set-role', device: idOf(mallory), role: 'admin' }], {
      epoch: g.roster.epoch,
    });
    const forged = signCommit(body, mallory.signSk);
    expectRosterError(() => applyCommit(g.roster, forged), 'roster_bad_signature');
    // and a signature lifted from another commit
    const other = signCommit({ ...body, ops: [] }, g.admin.signSk);
    expectRosterError(() => applyCommit(g.roster, { body: forged.body, sig: other.sig }), 'roster_bad_signature');
  });

  it('refuses a wrong previous hash, a wrong sequence and another group', () => {
    const g = makeGroup(1);
    expectRosterError(() => commitNext(g.roster, g.admin, [], { prev: toB64(new Uint8Array(32)) }), 'roster_bad_prev');
    expectRosterError(() => commitNext(g.roster, g.admin, [], { seq: g.roster.seq + 2 }), 'roster_bad_sequence');
    expectRosterError(() => commitNext(g.roster, g.admin, [], { seq: g.roster.seq }), 'roster_bad_sequence');
    expectRosterError(() => commitNext(g.roster, g.admin, [], { group: newGroupId() }), 'roster_illegal_op');
  });

  it('refuses a replayed commit', () => {
    const g = makeGroup(1);
    expectRosterError(() => applyCommit(g.roster, g.chain[1]!), 'roster_bad_sequence');
  });

  it('refuses an add whose device id does not match its key, a double add and removing a non-member', () => {
    const g = makeGroup(1);
    const c = generateDeviceKeys();
    const d = generateDeviceKeys();
    expectRosterError(
      () => commitNext(g.roster, g.admin, [{ ...addOp(c), signPk: toB64(d.signPk) }]),
      'roster_illegal_op',
    );
    expectRosterError(() => commitNext(g.roster, g.admin, [addOp(g.members[1]!)]), 'roster_illegal_op');
    expectRosterError(() => commitNext(g.roster, g.admin, [{ op: 'remove', device: idOf(c) }]), 'roster_illegal_op');
    expectRosterError(
      () =>
        commitNext(g.roster, g.admin, [{ op: 'set-role', device: idOf(c), role: 'admin' }], { epoch: g.roster.epoch }),
      'roster_illegal_op',
    );
  });

  it('caps the group at 5,000 members: the 5,001st is refused', () => {
    expect(MAX_MEMBERS).toBe(5000);
    const g = makeGroup(0);
    let state = g.roster;
    let added = 1;
    while (added < MAX_MEMBERS) {
      const n = Math.min(64, MAX_MEMBERS - added);
      state = commitNext(
        state,
        g.admin,
        Array.from({ length: n }, () => addOp(generateDeviceKeys())),
      ).state;
      added += n;
    }
    expect(state.members.size).toBe(MAX_MEMBERS);
    expectRosterError(() => commitNext(state, g.admin, [addOp(generateDeviceKeys())]), 'roster_illegal_op');
    // the cap counts members: a removal makes room again
    const removed = commitNext(state, g.admin, [{ op: 'remove', device: [...state.members.keys()].at(-1)! }]).state;
    expect(commitNext(removed, g.admin, [addOp(generateDeviceKeys())]).state.members.size).toBe(MAX_MEMBERS);
  });

  it('rejects malformed bodies', () => {
    const g = makeGroup(0);
    const sign = (text: string) => ({ body: toB64(utf8(text)), sig: toB64(new Uint8Array(64)) });
    for (const bad of [
      { body: '!!', sig: '' },
      sign('not json'),
      sign('[]'),
      sign(JSON.stringify({ ...nextBody(g.roster, g.admin, []), extra: 1 })),
      sign(JSON.stringify({ ...nextBody(g.roster, g.admin, []), v: 2 })),
      sign(JSON.stringify(nextBody(g.roster, g.admin, [{ op: 'evict', device: idOf(g.admin) } as never]))),
      { body: toB64(new Uint8Array(17 * 1024).fill(32)), sig: '' },
    ])
      expectRosterError(() => applyCommit(g.roster, bad), 'roster_malformed');
  });
});

describe('roster chain', () => {
  it('verifies a whole chain and refuses one with a tampered link', () => {
    const g = makeGroup(2);
    const r = commitNext(g.roster, g.admin, [{ op: 'remove', device: idOf(g.members[2]!) }]);
    const chain = [...g.chain, r.commit];
    const state = verifyChain(chain);
    expect(state.head).toBe(commitHash(r.commit));
    expect(state.members.size).toBe(2);
    expectRosterError(() => verifyChain([]), 'roster_malformed');
    expectRosterError(() => verifyChain([chain[0]!, chain[2]!]), 'roster_bad_sequence');
    // an alternative commit 1 signed by the admin breaks the link to commit 2
    const alt = commitNext(applyGenesis(chain[0]!), g.admin, [addOp(generateDeviceKeys())]).commit;
    expectRosterError(() => verifyChain([chain[0]!, alt, chain[2]!]), 'roster_bad_prev');
  });

  it('hashes body and signature', () => {
    const admin = generateDeviceKeys();
    const c = genesisCommit(admin);
    const resigned = signCommit(decodeCommit(c), admin.signSk);
    expect(commitHash(c)).toBe(commitHash({ ...c }));
    // Ed25519 is deterministic, so re-signing gives the same hash; another signature does not
    expect(commitHash(resigned)).toBe(commitHash(c));
    expect(commitHash({ body: c.body, sig: toB64(new Uint8Array(64)) })).not.toBe(commitHash(c));
  });
});
