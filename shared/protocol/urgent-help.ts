// An urgent help request, and a facilitator's or admin's acknowledgement of
// one, travel as ordinary chat messages (same kind, same padding, same path)
// whose plaintext carries only a sealed blob: the admin-note construction
// (admin-note.ts) under its own label, sealed to each facilitator's and admin's
// current X25519 key and to the requester. Everyone else in the group decrypts
// the envelope (so counters stay whole and no gap opens) but cannot open the
// blob. The sender's device id is in the associated data, so a member who
// copies a blob into her own message makes it unreadable, not hers.
import { z } from 'zod';
import { fromUtf8, utf8 } from '../crypto/encoding';
import { LABELS } from '../crypto/labels';
import { openAdminNote, sealAdminNote } from './admin-note';
import type { DeviceKeys, DevicePublic } from './device';
import { PRIVILEGED_ROLES, type Role } from './posting-rules';

/** A short text: she types it in a hurry, and it must fit a small envelope. */
export const MAX_URGENT_TEXT_CHARS = 500;
/** The wait before her app shows the help numbers, when the admin set none. */
export const DEFAULT_URGENT_ANSWER_SECONDS = 600;

const messageId = z.string().regex(/^[A-Za-z0-9_-]{22}$/);
const payloadSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('request'), text: z.string().max(MAX_URGENT_TEXT_CHARS).optional() }),
  /** names the request's message id */
  z.object({ t: z.literal('ack'), target: messageId }),
]);
export type UrgentPayload = z.infer<typeof payloadSchema>;

/** Binds a blob to its group and its sender. */
export const urgentContext = (groupId: string, sender: string) => `urgent-help:${groupId}:${sender}`;

/** Who reads urgent requests: the roles that may, by the verified roster. */
export function readsUrgent(role: Role | null | undefined): boolean {
  return !!role && (PRIVILEGED_ROLES as readonly Role[]).includes(role);
}

export function sealUrgent(
  payload: UrgentPayload,
  recipients: DevicePublic[],
  groupId: string,
  sender: string,
): Uint8Array {
  const parsed = payloadSchema.parse(payload);
  return sealAdminNote(utf8(JSON.stringify(parsed)), recipients, urgentContext(groupId, sender), LABELS.urgentHelp);
}

/** The payload, or null when the blob is not sealed to this device (a member), or does not open or parse. */
export function openUrgent(
  sealed: Uint8Array,
  groupId: string,
  sender: string,
  self: string,
  keysFor: (kxVersion: number) => DeviceKeys | undefined,
): UrgentPayload | null {
  try {
    const bytes = openAdminNote(sealed, urgentContext(groupId, sender), self, keysFor, LABELS.urgentHelp);
    const parsed = payloadSchema.safeParse(JSON.parse(fromUtf8(bytes)));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
