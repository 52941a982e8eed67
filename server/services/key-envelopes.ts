// Sealed epoch secrets: an admin uploads one epoch's batch; each device reads its own.
import { listAdmins } from '../db/repos/groups';
import { insertEnvelopes, listEnvelopes, listMemberIds } from '../db/repos/key-envelopes';
import type { AppDeps } from '../deps';
import { fail } from '../errors';
import { requireAdmin, requireMember, requireRate } from './access';

/** A member may ask for a fresh epoch this often per group (the admins' clients start at most one a minute). */
export const REKEY_PER_MINUTE = 2;

export interface EnvelopeBatch {
  epoch: number;
  envelopes: { recipient: string; sealed: string }[];
}

export async function uploadEnvelopes(
  deps: AppDeps,
  deviceId: string,
  groupId: string,
  batch: EnvelopeBatch,
): Promise<number> {
  const group = await requireAdmin(deps, groupId, deviceId);
  if (batch.epoch > group.epoch || batch.epoch < group.epoch - 1)
    fail(400, 'epoch_invalid', 'envelopes are for the current epoch (or the one before)');
  const members = await listMemberIds(deps.db, groupId);
  const recipients = new Set(batch.envelopes.map((e) => e.recipient));
  if (recipients.size !== batch.envelopes.length || [...recipients].some((r) => !members.has(r)))
    fail(400, 'envelope_recipient_invalid', 'each recipient must be a current member, once');
  const stored = await insertEnvelopes(
    deps.db,
    batch.envelopes.map((e) => ({ group_id: groupId, epoch: batch.epoch, recipient: e.recipient, sealed: e.sealed })),
  );
  for (const e of batch.envelopes)
    deps.hub.publish(groupId, { type: 'key-envelope', groupId, epoch: batch.epoch, sealed: e.sealed }, [e.recipient]);
  return stored;
}

export async function readEnvelopes(deps: AppDeps, deviceId: string, groupId: string, afterEpoch: number) {
  await requireMember(deps, groupId, deviceId);
  const rows = await listEnvelopes(deps.db, groupId, deviceId, afterEpoch);
  return rows.map((r) => ({ groupId, epoch: r.epoch, sealed: r.sealed }));
}

/**
 * A member asks the group's admins for a fresh epoch: an envelope reached her
 * sealed to a key-exchange key she had retired (PROTOCOL.md section 6). The
 * relay stores nothing; it passes a `rekey` frame to the admins connected now.
 */
export async function requestRekey(deps: AppDeps, deviceId: string, groupId: string): Promise<void> {
  await requireMember(deps, groupId, deviceId);
  await requireRate(deps, `rekey:${deviceId}:${groupId}`, REKEY_PER_MINUTE, 60);
  deps.hub.publish(groupId, { type: 'rekey', groupId }, await listAdmins(deps.db, groupId));
}
