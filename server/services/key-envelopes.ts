// Sealed epoch secrets: an admin uploads one epoch's batch; each device reads its own.
import { insertEnvelopes, listEnvelopes, listMemberIds } from '../db/repos/key-envelopes';
import type { AppDeps } from '../deps';
import { fail } from '../errors';
import { requireAdmin, requireMember } from './access';

export interface EnvelopeBatch {
  epoch: number;
  envelopes: { recipient: string; sealed: string }[];
}

export async function uploadEnvelopes(deps: AppDeps, deviceId: string, groupId: string, batch: EnvelopeBatch): Promise<number> {
  const group = await requireAdmin(deps, groupId, deviceId);
  if (batch.epoch > group.epoch || batch.epoch < group.epoch - 1) fail(400, 'epoch_invalid', 'envelopes are for the current epoch (or the one before)');
  const members = await listMemberIds(deps.db, groupId);
  const recipients = new Set(batch.envelopes.map((e) => e.recipient));
  if (recipients.size !== batch.envelopes.length || [...recipients].some((r) => !members.has(r)))
    fail(400, 'envelope_recipient_invalid', 'each recipient must be a current member, once');
  const stored = await insertEnvelopes(
    deps.db,
    batch.envelopes.map((e) => ({ group_id: groupId, epoch: batch.epoch, recipient: e.recipient, sealed: e.sealed })),
  );
  for (const e of batch.envelopes) deps.hub.publish(groupId, { type: 'key-envelope', groupId, epoch: batch.epoch, sealed: e.sealed }, [e.recipient]);
  return stored;
}

export async function readEnvelopes(deps: AppDeps, deviceId: string, groupId: string, afterEpoch: number) {
  await requireMember(deps, groupId, deviceId);
  const rows = await listEnvelopes(deps.db, groupId, deviceId, afterEpoch);
  return rows.map((r) => ({ groupId, epoch: r.epoch, sealed: r.sealed }));
}
