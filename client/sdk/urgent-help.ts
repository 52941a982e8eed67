// Urgent help (PROTOCOL.md section 10, "Urgent help"): a member asks the
// group's facilitators and admins for help in a message only they and she can
// open; one of them acknowledges it the same way, so the others know someone
// will call and she sees that it was seen. If nobody acknowledges within the
// admin's wait, her app shows the help numbers the admin configured (never
// dialled by the app). What is read is kept in the group's record, not in the
// history: other members' clients read the envelope (no gap) and show nothing.
import { fromB64, toB64 } from '../../shared/crypto/encoding';
import type { DevicePublic } from '../../shared/protocol/device';
import { mayPost } from '../../shared/protocol/posting-rules';
import {
  DEFAULT_URGENT_ANSWER_SECONDS,
  MAX_URGENT_TEXT_CHARS,
  openUrgent,
  readsUrgent,
  sealUrgent,
  type UrgentPayload,
} from '../../shared/protocol/urgent-help';
import { type Core, requireGroup } from './core';
import { memberKeys } from './epochs';
import { ClientError } from './errors';
import type { MessageEvent, UrgentAckEvent, UrgentHelpEvent } from './events';
import type { GroupState } from './group-state';
import type { Identity } from './identity';
import { postPlaintext } from './send';

/** One request as this device holds it (in the group's record). */
export interface UrgentRecord {
  sender: string;
  text: string | null;
  sentAt: number;
  seq: number;
  /** the facilitator or admin who acknowledged it first; null until then */
  acknowledgedBy: string | null;
  acknowledgedAt: number | null;
  /** when the relay drops the request's row (the group's retention), Unix seconds; the record goes then too */
  expiresAt?: number | null;
}

/** A request as the app shows it. */
export interface UrgentRequestInfo extends UrgentRecord {
  requestId: string;
  /** she sent it herself */
  mine: boolean;
  /** hers, not acknowledged, and the admin's wait has passed: show the help numbers */
  overdue: boolean;
}

export interface HelpSettings {
  /** seconds before an unacknowledged request shows the help numbers */
  answerSeconds: number;
  helpNumbers: string[];
}

function records(state: GroupState): Record<string, UrgentRecord> {
  state.record.urgent ??= {};
  return state.record.urgent;
}

export function helpSettings(core: Core, groupId: string): HelpSettings {
  const { settings } = requireGroup(core, groupId).chain.current;
  return {
    answerSeconds: settings.urgentAnswerSeconds ?? DEFAULT_URGENT_ANSWER_SECONDS,
    helpNumbers: settings.helpNumbers ?? [],
  };
}

/** The facilitators' and admins' keys by the verified roster now (and `also`, if still a member), plus her own. */
async function recipients(core: Core, state: GroupState, also?: string): Promise<DevicePublic[]> {
  const ids = [...state.chain.current.members]
    .filter(([id, m]) => readsUrgent(m.role) || id === also || id === core.identity.deviceId)
    .map(([id]) => id);
  const keys = await Promise.all(ids.map((id) => memberKeys(core.session, state, core.identity, id)));
  return keys.filter((k): k is DevicePublic => k !== null);
}

async function postSealed(
  core: Core,
  state: GroupState,
  payload: UrgentPayload,
  also: string | undefined,
  onHeld?: (messageId: string) => void,
) {
  const sealed = sealUrgent(payload, await recipients(core, state, also), state.groupId, core.identity.deviceId);
  const role = state.chain.current.members.get(core.identity.deviceId)?.role;
  // A chat message whenever she may write one; in an announcement-only group a member's request goes as a meta message.
  const kind = role && mayPost(role, 'message', state.chain.current.settings) ? 'message' : 'meta';
  const plaintext = { type: 'urgent-help' as const, sentAt: core.now(), sealed: toB64(sealed) };
  return postPlaintext(core, state.groupId, kind, plaintext, false, { onHeld });
}

export async function requestHelp(
  core: Core,
  groupId: string,
  text?: string,
  onHeld?: (messageId: string) => void,
): Promise<{ messageId: string; seq: number }> {
  const state = requireGroup(core, groupId);
  const words = text?.trim() || undefined;
  if (words && words.length > MAX_URGENT_TEXT_CHARS)
    throw new ClientError('too_long', `an urgent request has at most ${MAX_URGENT_TEXT_CHARS} characters`);
  return postSealed(core, state, { t: 'request', text: words }, undefined, onHeld);
}

export async function acknowledgeHelp(
  core: Core,
  groupId: string,
  requestId: string,
): Promise<{ messageId: string; seq: number }> {
  const state = requireGroup(core, groupId);
  if (!readsUrgent(state.chain.current.members.get(core.identity.deviceId)?.role))
    throw new ClientError('role_forbidden', 'only facilitators and admins acknowledge urgent requests');
  const request = records(state)[requestId];
  if (!request) throw new ClientError('unknown_message', 'no such urgent request on this device');
  return postSealed(core, state, { t: 'ack', target: requestId }, request.sender);
}

/** Requests whose row the group's retention removed leave the device with it (called with the history's expiry). */
export function expireUrgent(state: GroupState, nowMs: number): void {
  const all = state.record.urgent;
  if (!all) return;
  for (const [id, r] of Object.entries(all)) if (r.expiresAt && r.expiresAt * 1000 <= nowMs) delete all[id];
}

export function urgentRequests(core: Core, groupId: string): UrgentRequestInfo[] {
  const state = requireGroup(core, groupId);
  const self = core.identity.deviceId;
  const wait = helpSettings(core, groupId).answerSeconds * 1000;
  return Object.entries(records(state))
    .map(([requestId, r]) => {
      const mine = r.sender === self;
      return { requestId, ...r, mine, overdue: mine && !r.acknowledgedBy && core.now() - r.sentAt >= wait };
    })
    .sort((a, b) => a.seq - b.seq);
}

/**
 * A read `urgent-help` message: the request or acknowledgement it holds, as
 * an event, or null when it is not sealed to this device (a member: nothing
 * to show, and the envelope was counted so no gap opens) or is not valid.
 */
export function receiveUrgent(
  state: GroupState,
  identity: Identity,
  e: MessageEvent,
): UrgentHelpEvent | UrgentAckEvent | null {
  if (e.content.type !== 'urgent-help' || e.flags.roleRejected) return null;
  const payload = openUrgent(fromB64(e.content.sealed), state.groupId, e.sender, identity.deviceId, (v) =>
    identity.keysFor(v),
  );
  if (!payload) return null;
  const all = records(state);
  if (payload.t === 'request') {
    const known = all[e.messageId];
    const r = known ?? {
      sender: e.sender,
      text: payload.text ?? null,
      sentAt: e.sentAt,
      seq: e.seq,
      acknowledgedBy: null,
      acknowledgedAt: null,
      expiresAt: e.expiresAt,
    };
    all[e.messageId] = r;
    return { type: 'urgent-help', groupId: state.groupId, requestId: e.messageId, ...r };
  }
  // an acknowledgement counts only from a facilitator or admin, for a request this device holds
  const target = all[payload.target];
  if (!target || !readsUrgent(e.senderRole)) return null;
  if (!target.acknowledgedBy) {
    target.acknowledgedBy = e.sender;
    target.acknowledgedAt = e.sentAt;
  }
  return { type: 'urgent-ack', groupId: state.groupId, requestId: payload.target, by: e.sender, sentAt: e.sentAt };
}
