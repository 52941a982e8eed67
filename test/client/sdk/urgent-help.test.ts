// Urgent help between real clients and a real relay: a member's request is
// read by the group's facilitators and admins (by the verified roster at that
// moment) and by her, not by another member, whose client shows nothing and
// flags no gap; the relay stores it like a chat message; an acknowledgement
// reaches the requester and the other facilitators and admins; without one,
// her app shows the admin's help numbers once the admin's wait has passed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientEvent, UrgentAckEvent, UrgentHelpEvent } from '../../../client/sdk/events';
import { memberKeys } from '../../../client/sdk/epochs';
import { postPlaintext } from '../../../client/sdk/send';
import { fromB64, toB64 } from '../../../shared/crypto/encoding';
import type { DevicePublic } from '../../../shared/protocol/device';
import { sealUrgent } from '../../../shared/protocol/urgent-help';
import { isBucketLength } from '../../../shared/protocol/padding';
import { admitClients } from '../../support/client-group';
import { messageRows } from '../../support/db-tamper';
import { useServer } from '../../support/fixtures';
import { newClient, removeTempDirs, type TestClient } from '../../support/sdk-fixtures';

const server = useServer();

let admin: TestClient;
let bora: TestClient; // asks for help
let chae: TestClient; // facilitator
let dami: TestClient; // another member
let eun: TestClient; // a facilitator who is demoted, then removed
let groupId: string;
let skew = 0; // Bora's clock, moved forward to pass the admin's wait

const isUrgent = (e: ClientEvent): e is UrgentHelpEvent => e.type === 'urgent-help';
const isAck = (e: ClientEvent): e is UrgentAckEvent => e.type === 'urgent-ack';
const urgentFor = (t: TestClient, requestId: string) =>
  t.events.filter(isUrgent).filter((e) => e.requestId === requestId);
const syncAll = () => Promise.all([admin, bora, chae, dami, eun].map((t) => t.client.sync(groupId)));

beforeAll(async () => {
  admin = await newClient(server.current.url, 'Admin');
  bora = await newClient(server.current.url, 'Bora', { now: () => Date.now() + skew });
  chae = await newClient(server.current.url, 'Chae');
  dami = await newClient(server.current.url, 'Dami');
  eun = await newClient(server.current.url, 'Eun');
  groupId = await admin.client.createGroup('긴급 모임');
  await admitClients(admin, groupId, [
    [bora, 'member'],
    [chae, 'facilitator'],
    [dami, 'member'],
    [eun, 'facilitator'],
  ]);
});

afterAll(async () => {
  await removeTempDirs();
});

describe('urgent help', () => {
  let requestId: string;

  it('is read by the facilitators and the admin, not by another member, whose client shows nothing and flags no gap', async () => {
    requestId = (await bora.client.requestHelp(groupId, '지금 위험해요')).messageId;
    const after = await bora.client.send(groupId, '괜찮아요?');
    await syncAll();
    for (const t of [admin, chae, eun, bora]) {
      expect(urgentFor(t, requestId).map((e) => [e.text, e.sender])).toEqual([['지금 위험해요', bora.client.deviceId]]);
      expect(t.client.urgentRequests(groupId).map((r) => r.requestId)).toEqual([requestId]);
    }
    expect(bora.client.urgentRequests(groupId)[0]!.mine).toBe(true);
    expect(urgentFor(dami, requestId)).toEqual([]);
    expect(dami.client.urgentRequests(groupId)).toEqual([]);
    expect(dami.events.some((e) => e.type === 'message' && e.messageId === requestId)).toBe(false);
    expect((await dami.client.history(groupId)).some((e) => e.messageId === requestId)).toBe(false);
    const next = dami.events.find((e) => e.type === 'message' && e.messageId === after.messageId);
    expect(next?.type === 'message' && next.flags.gap).toBe(false);
    const view = (await dami.client.groups()).find((g) => g.groupId === groupId)!;
    expect(view.openGaps).toEqual([]);
  });

  it('is stored by the relay like a chat message: same kind, columns and padding buckets', async () => {
    const sizes = [40, 300, 700, 1500];
    const chats = await Promise.all(sizes.map((n) => dami.client.send(groupId, '가'.repeat(n / 3) + 'a'.repeat(n))));
    const rows = messageRows(server.current.dbPath, groupId);
    const urgent = rows.find((r) => r.client_msg_id === requestId)!;
    const chatRows = rows.filter((r) => chats.some((c) => c.messageId === r.client_msg_id));
    const length = (r: (typeof rows)[number]) => fromB64(r.ciphertext).length;
    expect(urgent.kind).toBe('message');
    expect(isBucketLength(length(urgent))).toBe(true);
    expect(chatRows.map(length)).toContain(length(urgent));
    for (const r of chatRows) {
      expect(Object.keys(urgent).sort()).toEqual(Object.keys(r).sort());
      expect([urgent.pinned, urgent.expires_at]).toEqual([r.pinned, r.expires_at]);
    }
  });

  it('an acknowledgement reaches the requester and the admin; the other member sees nothing', async () => {
    await chae.client.acknowledgeHelp(groupId, requestId);
    await syncAll();
    for (const t of [bora, admin, eun]) {
      expect(t.events.filter(isAck).map((e) => [e.requestId, e.by])).toEqual([[requestId, chae.client.deviceId]]);
      expect(t.client.urgentRequests(groupId)[0]!.acknowledgedBy).toBe(chae.client.deviceId);
    }
    expect(dami.events.some(isAck)).toBe(false);
    expect(bora.client.urgentRequests(groupId)[0]!.overdue).toBe(false);
  });

  it('a member may not acknowledge a request', async () => {
    await expect(dami.client.acknowledgeHelp(groupId, requestId)).rejects.toMatchObject({ code: 'role_forbidden' });
  });

  it('an acknowledgement a member forges with her own client (sealed like a real one) does not tell the requester she was seen', async () => {
    const { messageId } = await bora.client.requestHelp(groupId, '지금 위험해요');
    await syncAll();
    // Dami's modified client: she sees the request's message id, seals an "ack" to the requester and the admins.
    const core = dami.client;
    const state = core.states.get(groupId)!;
    const to = [...state.chain.current.members.keys()].filter((id) => id !== dami.client.deviceId);
    const keys = await Promise.all(to.map((id) => memberKeys(core.session, state, core.identity, id)));
    const sealed = sealUrgent(
      { t: 'ack', target: messageId },
      keys.filter((k): k is DevicePublic => k !== null),
      groupId,
      dami.client.deviceId,
    );
    await postPlaintext(core, groupId, 'message', { type: 'urgent-help', sentAt: Date.now(), sealed: toB64(sealed) });
    await syncAll();
    const mine = bora.client.urgentRequests(groupId).find((r) => r.requestId === messageId)!;
    expect(mine.acknowledgedBy).toBeNull();
    expect(bora.events.some((e) => isAck(e) && e.requestId === messageId)).toBe(false);
  });

  it('without an acknowledgement in the admin’s wait, the requester’s app shows the help numbers', async () => {
    await admin.client.setSettings(groupId, { urgentAnswerSeconds: 60, helpNumbers: ['1366', '112'] });
    await syncAll();
    expect(bora.client.helpSettings(groupId)).toEqual({ answerSeconds: 60, helpNumbers: ['1366', '112'] });
    const { messageId } = await bora.client.requestHelp(groupId);
    const mine = () => bora.client.urgentRequests(groupId).find((r) => r.requestId === messageId)!;
    expect(mine().overdue).toBe(false);
    skew = 61_000;
    expect(mine().overdue).toBe(true);
    expect(mine().text).toBeNull();
    skew = 0;
  });

  it('in an announcement-only group a member’s request goes as a meta message, still read by the facilitators only', async () => {
    await admin.client.setSettings(groupId, { announcementOnly: true });
    await syncAll();
    const { messageId } = await bora.client.requestHelp(groupId, '말할 수 없어요');
    await syncAll();
    const row = messageRows(server.current.dbPath, groupId).find((r) => r.client_msg_id === messageId)!;
    expect(row.kind).toBe('meta');
    expect(urgentFor(chae, messageId).map((e) => e.text)).toEqual(['말할 수 없어요']);
    expect(urgentFor(dami, messageId)).toEqual([]);
    await admin.client.setSettings(groupId, { announcementOnly: false });
    await syncAll();
  });

  it('a request leaves the devices with the group’s retention, like its row', async () => {
    await admin.client.setSettings(groupId, { retentionSeconds: 3600 });
    await syncAll();
    const { messageId } = await bora.client.requestHelp(groupId, '잠깐만요');
    await syncAll();
    const held = () => bora.client.urgentRequests(groupId).some((r) => r.requestId === messageId);
    expect(held()).toBe(true);
    skew = 2 * 3600 * 1000;
    await bora.client.sync(groupId);
    expect(held()).toBe(false);
    skew = 0;
    await admin.client.setSettings(groupId, { retentionSeconds: null });
    await syncAll();
  });

  it('a facilitator made a member, then removed, does not receive later requests', async () => {
    await admin.client.setRole(groupId, eun.client.deviceId, 'member');
    await syncAll();
    const asMember = (await bora.client.requestHelp(groupId, '연락 주세요')).messageId;
    await syncAll();
    expect(urgentFor(chae, asMember)).toHaveLength(1);
    expect(urgentFor(eun, asMember)).toEqual([]);
    await admin.client.removeMember(groupId, eun.client.deviceId);
    await syncAll();
    const afterRemoval = (await bora.client.requestHelp(groupId, '도와주세요')).messageId;
    await syncAll();
    expect(urgentFor(admin, afterRemoval)).toHaveLength(1);
    expect(urgentFor(eun, afterRemoval)).toEqual([]);
    expect(eun.client.urgentRequests(groupId).map((r) => r.requestId)).not.toContain(afterRemoval);
  });
});
