import type { Compilable, Selectable } from 'kysely';
import type { Role } from '../../../shared/protocol/posting-rules';
import type { RosterState, SignedCommit } from '../../../shared/protocol/roster';
import { type Db, reusableQuery } from '../database';
import type { GroupsTable } from '../tables';

export interface GroupContext {
  role: Role;
  epoch: number;
  announcementOnly: boolean;
  /** posts in an older epoch are refused: a member removed since holds its keys */
  minPostEpoch: number;
}

/** The caller's role and the group settings a write needs, in one query; undefined if not a member. */
const membershipQuery = reusableQuery((k, groupId: string, deviceId: string) =>
  k
    .selectFrom('memberships as m')
    .innerJoin('groups as g', 'g.id', 'm.group_id')
    .select(['m.role', 'g.epoch', 'g.announcement_only', 'g.min_post_epoch'])
    .where('m.group_id', '=', groupId)
    .where('m.device_id', '=', deviceId),
);

type MembershipRow = { role: Role; epoch: number; announcement_only: number; min_post_epoch: number };

export async function findMembership(db: Db, groupId: string, deviceId: string): Promise<GroupContext | undefined> {
  const row = (await db.kysely.executeQuery<MembershipRow>(membershipQuery(db, groupId, deviceId))).rows[0];
  if (!row) return undefined;
  return {
    role: row.role,
    epoch: row.epoch,
    announcementOnly: row.announcement_only === 1,
    minPostEpoch: row.min_post_epoch,
  };
}

export async function findGroup(db: Db, groupId: string): Promise<Selectable<GroupsTable> | undefined> {
  return db.kysely.selectFrom('groups').selectAll().where('id', '=', groupId).executeTakeFirst();
}

export async function listDeviceGroupIds(db: Db, deviceId: string): Promise<string[]> {
  const rows = await db.kysely.selectFrom('memberships').select('group_id').where('device_id', '=', deviceId).execute();
  return rows.map((r) => r.group_id);
}

export async function listDeviceGroups(db: Db, deviceId: string) {
  return db.kysely
    .selectFrom('memberships as m')
    .innerJoin('groups as g', 'g.id', 'm.group_id')
    .select((eb) => [
      'g.id',
      'm.role',
      'g.roster_seq',
      'g.epoch',
      'g.retention_seconds',
      'g.announcement_only',
      eb.fn
        .coalesce(
          eb
            .selectFrom('messages')
            .select((e) => e.fn.max('seq').as('s'))
            .whereRef('messages.group_id', '=', 'g.id'),
          'g.purged_seq',
        )
        .as('last_seq'),
    ])
    .where('m.device_id', '=', deviceId)
    .orderBy('g.id')
    .execute();
}

export async function listAdmins(db: Db, groupId: string): Promise<string[]> {
  const rows = await db.kysely
    .selectFrom('memberships')
    .select('device_id')
    .where('group_id', '=', groupId)
    .where('role', '=', 'admin')
    .execute();
  return rows.map((r) => r.device_id);
}

/** Rebuilds the server's view of the roster state from the groups and memberships tables. */
export async function loadRosterState(db: Db, groupId: string): Promise<RosterState | undefined> {
  const group = await findGroup(db, groupId);
  if (!group) return undefined;
  const rows = await db.kysely
    .selectFrom('memberships as m')
    .innerJoin('devices as d', 'd.id', 'm.device_id')
    .select(['m.device_id', 'm.role', 'd.sign_pk'])
    .where('m.group_id', '=', groupId)
    .execute();
  return {
    group: groupId,
    seq: group.roster_seq,
    head: group.roster_head,
    epoch: group.epoch,
    members: new Map(rows.map((r) => [r.device_id, { role: r.role, signPk: r.sign_pk }])),
    settings: { retentionSeconds: group.retention_seconds, announcementOnly: group.announcement_only === 1 },
  };
}

export async function listCommits(db: Db, groupId: string, after: number, limit: number) {
  return db.kysely
    .selectFrom('roster_commits')
    .select(['seq', 'body', 'sig'])
    .where('group_id', '=', groupId)
    .where('seq', '>', after)
    .orderBy('seq')
    .limit(limit)
    .execute();
}

/** Whether a commit took anyone out of the roster (removed by an admin, or gone on her own). */
export function removesMember(before: RosterState | undefined, after: RosterState): boolean {
  return [...(before?.members.keys() ?? [])].some((d) => !after.members.has(d));
}

/**
 * The statements that record one verified commit and move the derived tables
 * from `before` to `after`. The commit's primary key (group, seq) makes a
 * concurrent append of the same sequence fail as a whole.
 */
export function commitStatements(
  db: Db,
  before: RosterState | undefined,
  after: RosterState,
  commit: SignedCommit,
  author: string,
  createdDay: number,
): Compilable[] {
  const k = db.kysely;
  const out: Compilable[] = [
    k.insertInto('roster_commits').values({
      group_id: after.group,
      seq: after.seq,
      prev_hash: before?.head ?? null,
      hash: after.head,
      author,
      body: commit.body,
      sig: commit.sig,
      epoch: after.epoch,
    }),
  ];
  const groupCols = {
    roster_seq: after.seq,
    roster_head: after.head,
    epoch: after.epoch,
    retention_seconds: after.settings.retentionSeconds,
    announcement_only: after.settings.announcementOnly ? 1 : 0,
    // A removal closes every older epoch to posts: the removed device holds their keys.
    ...(removesMember(before, after) ? { min_post_epoch: after.epoch } : {}),
  };
  out.push(
    before
      ? k.updateTable('groups').set(groupCols).where('id', '=', after.group)
      : k.insertInto('groups').values({ id: after.group, created_day: createdDay, purged_seq: 0, ...groupCols }),
  );
  for (const [device, m] of after.members) {
    const old = before?.members.get(device);
    if (!old) out.push(k.insertInto('memberships').values({ group_id: after.group, device_id: device, role: m.role }));
    else if (old.role !== m.role)
      out.push(
        k
          .updateTable('memberships')
          .set({ role: m.role })
          .where('group_id', '=', after.group)
          .where('device_id', '=', device),
      );
  }
  for (const device of before?.members.keys() ?? []) {
    if (!after.members.has(device))
      out.push(k.deleteFrom('memberships').where('group_id', '=', after.group).where('device_id', '=', device));
  }
  return out;
}
