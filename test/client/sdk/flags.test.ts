// What the client flags when the server misbehaves or a member breaks the
// rules: duplicates, replays, drops (gaps), a member's bulletin, an unreadable
// envelope, a roster commit no admin signed, a key no identity signed; and
// the schedules (weekly and 1,000-message epochs, X25519 rotation, epoch grace).
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientEvent, MessageEvent, UndecryptableEvent } from '../../../client/sdk/events';
import { EPOCH_GRACE_MS, EPOCH_MAX_AGE_MS, EPOCH_MAX_MESSAGES } from '../../../client/sdk/epochs';
import { toB64 } from '../../../shared/crypto/encoding';
import { randomBytes } from '../../../shared/crypto/primitives';
import { devicePublic, generateDeviceKeys } from '../../../shared/protocol/device';
import { encryptMessage } from '../../../shared/protocol/message-envelope';
import { encodePlaintext } from '../../../shared/protocol/plaintext';
import { signCommit } from '../../../shared/protocol/roster';
import type { StoredMessage } from '../../../shared/schemas/messages';
import { settle } from '../../../client/cli/context';
import { useServer } from '../../support/fixtures';
import { newClient, removeTempDirs, reopen, type TestClient, textOf } from '../../support/sdk-fixtures';

const server = useServer();

/** A fetch that lets a test rewrite the JSON the server answers (a malicious server, seen from one client). */
function tamperingFetch() {
  const hook: { rewrite: ((path: string, body: any) => any) | null; offline: boolean } = {
    rewrite: null,
    offline: false,
  };
  const fetcher = async (input: string, init?: RequestInit): Promise<Response> => {
    if (hook.offline) throw new TypeError('fetch failed');
    const res = await fetch(input, init);
    if (!hook.rewrite || !res.ok) return res;
    const body = hook.rewrite(new URL(input).pathname, await res.json());
    return new Response(JSON.stringify(body), { status: res.status, headers: { 'content-type': 'application/json' } });
  };
  return { hook, fetcher };
}

const adminNet = tamperingFetch();
const memberNet = tamperingFetch();
let admin: TestClient;
let facilitator: TestClient;
let member: TestClient;
let groupId: string;

const messagesPath = () => `/v1/groups/${groupId}/messages`;
const byText = (t: TestClient, text: string) => t.events.filter((e): e is MessageEvent => textOf(e) === text);

/** Stores a row the way a compromised server would, bypassing its checks. */
function insertRow(row: Pick<StoredMessage, 'clientMsgId' | 'epoch' | 'kind' | 'ciphertext'>): void {
  const db = new Database(server.current.dbPath);
  try {
    const { seq } = db
      .prepare('SELECT COALESCE(MAX(seq), 0) + 1 AS seq FROM messages WHERE group_id = ?')
      .get(groupId) as { seq: number };
    db.prepare(
      'INSERT INTO messages (group_id, seq, client_msg_id, epoch, kind, ciphertext, pinned, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, 0, NULL, 0)',
    ).run(groupId, seq, row.clientMsgId, row.epoch, row.kind, row.ciphertext);
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  admin = await newClient(server.current.url, 'Admin', { fetch: adminNet.fetcher });
  facilitator = await newClient(server.current.url, 'Facilitator');
  member = await newClient(server.current.url, 'Member', { fetch: memberNet.fetcher });
  groupId = await admin.client.createGroup('flags');
  for (const [t, role] of [
    [facilitator, 'facilitator'],
    [member, 'member'],
  ] as const) {
    const { code } = await admin.client.createInvite(groupId, { role });
    await admin.client.approve(groupId, (await t.client.join(code)).requestId);
  }
  await Promise.all([facilitator.client.sync(), member.client.sync()]);
  // Their announcements (profile, epoch-check) are posted in the background: let them land before posts are counted.
  await Promise.all([facilitator, member].map((t) => settle(t.client)));
});

afterAll(removeTempDirs);

describe('delivery flags', () => {
  it('the same row delivered twice yields one event, not a replay', async () => {
    await admin.client.send(groupId, 'once');
    memberNet.hook.rewrite = (path, body) =>
      path === messagesPath() ? { ...body, messages: [...body.messages, ...body.messages] } : body;
    await member.client.sync(groupId);
    memberNet.hook.rewrite = null;
    expect(byText(member, 'once')).toHaveLength(1);
    expect(byText(member, 'once')[0]!.flags.replay).toBe(false);
  });

  it('a replayed message id is discarded and flagged; the dropped one leaves a gap', async () => {
    const one = await admin.client.send(groupId, 'one');
    await member.client.sync(groupId);
    const two = await admin.client.send(groupId, 'two');
    await admin.client.send(groupId, 'three');
    // The server drops "two" and puts a copy of "one" in its place.
    memberNet.hook.rewrite = (path, body) => {
      if (path !== messagesPath()) return body;
      const copy = body.messages.find((m: StoredMessage) => m.seq === one.seq);
      return {
        ...body,
        messages: body.messages.map((m: StoredMessage) => (m.seq === two.seq ? { ...copy, seq: two.seq } : m)),
      };
    };
    // Fetch from just before "one", so the page holds the row to copy.
    member.client.states.get(groupId)!.record.lastSeq = one.seq - 1;
    await member.client.sync(groupId);
    memberNet.hook.rewrite = null;
    const replays = byText(member, 'one').filter((e) => e.flags.replay);
    expect(replays).toHaveLength(1);
    expect(byText(member, 'two')).toHaveLength(0);
    expect(byText(member, 'three')[0]!.flags).toMatchObject({ gap: true, replay: false, verified: true });
    expect((await member.client.history(groupId)).map(textOf).filter((t) => t === 'one')).toHaveLength(1);
  });

  it("a member's bulletin stored by a compromised server is flagged roleRejected and kept out of the bulletins", async () => {
    // the member's own client refuses to seal a bulletin, so she uses the protocol library directly
    const state = member.client.states.get(groupId)!;
    const keys = state.keys.get(state.latestEpoch)!;
    const sealed = encryptMessage(
      keys,
      member.client.identity.keys,
      'bulletin',
      encodePlaintext({ type: 'text', sentAt: Date.now(), text: 'fake bulletin' }),
    );
    state.touchEpoch(keys.epoch);
    await state.save(member.client.store);
    insertRow({
      clientMsgId: sealed.clientMsgId,
      epoch: keys.epoch,
      kind: 'bulletin',
      ciphertext: toB64(sealed.envelope),
    });
    await facilitator.client.sync(groupId);
    const [e] = byText(facilitator, 'fake bulletin');
    expect(e).toMatchObject({ kind: 'bulletin', senderRole: 'member', flags: { roleRejected: true, verified: true } });
    expect((await facilitator.client.history(groupId, { kind: 'bulletin' })).map(textOf)).not.toContain(
      'fake bulletin',
    );
  });

  it('an envelope that does not open becomes an UndecryptableEvent', async () => {
    const epoch = member.client.states.get(groupId)!.latestEpoch;
    insertRow({ clientMsgId: toB64(randomBytes(16)), epoch, kind: 'message', ciphertext: toB64(randomBytes(256)) });
    await facilitator.client.sync(groupId);
    const bad = facilitator.events.filter((e): e is UndecryptableEvent => e.type === 'undecryptable');
    expect(bad.map((e) => e.reason)).toEqual(['bad_outer']);
  });
});

describe('the outbox', () => {
  it('a post whose response is lost is retried with the same id and stored once', async () => {
    let lost = 0;
    memberNet.hook.rewrite = (path, body) => {
      // the server stored the post, but its answer never arrives
      if (path === messagesPath() && 'duplicate' in body && lost++ === 0) throw new TypeError('connection reset');
      return body;
    };
    const sent = await member.client.send(groupId, 'retried');
    memberNet.hook.rewrite = null;
    expect(lost).toBe(2);
    await admin.client.sync(groupId);
    const copies = (await admin.client.history(groupId)).filter((e) => textOf(e) === 'retried');
    expect(copies.map((e) => e.seq)).toEqual([sent.seq]);
  });

  it('a post not yet acked survives a restart and is sent by the reopened client', async () => {
    memberNet.hook.offline = true;
    void member.client.send(groupId, 'sent after restart').catch(() => {});
    await new Promise((r) => setTimeout(r, 100));
    await member.client.close(0);
    memberNet.hook.offline = false;
    member = await reopen(member);
    await member.client.sync();
    await admin.client.sync(groupId);
    expect((await admin.client.history(groupId)).filter((e) => textOf(e) === 'sent after restart')).toHaveLength(1);
  });
});

describe('roster integrity', () => {
  it('a commit no admin signed is never applied: the roster is flagged and events carry invalidRoster', async () => {
    const ghost = generateDeviceKeys();
    const state = member.client.states.get(groupId)!;
    const cur = state.chain.current;
    const forged = signCommit(
      {
        v: 1,
        group: groupId,
        seq: cur.seq + 1,
        prev: cur.head,
        epoch: cur.epoch + 1,
        author: member.client.deviceId,
        ops: [{ op: 'add', device: devicePublic(ghost).deviceId, signPk: toB64(ghost.signPk), role: 'member' }],
      },
      member.client.identity.keys.signSk,
    );
    memberNet.hook.rewrite = (path, body) =>
      path === `/v1/groups/${groupId}/roster`
        ? { commits: [...body.commits, { seq: cur.seq + 1, commit: forged }] }
        : body;
    await member.client.sync(groupId);
    memberNet.hook.rewrite = null;
    const view = (await member.client.groups())[0]!;
    expect(view.rosterValid).toBe(false);
    expect(view.members.map((m) => m.deviceId)).not.toContain(devicePublic(ghost).deviceId);
    await admin.client.send(groupId, 'after the forgery');
    await member.client.sync(groupId);
    expect(byText(member, 'after the forgery')[0]!.flags.invalidRoster).toBe(true);
  });

  it('a key-exchange key not signed by the identity gets no epoch secret, and the admin flags the roster', async () => {
    const other = generateDeviceKeys();
    const facilitatorId = facilitator.client.deviceId;
    const forged = (d: { deviceId: string }) => (d.deviceId === facilitatorId ? { ...d, kxPk: toB64(other.kxPk) } : d);
    // her record alone, and in the group's list (the admin seals an epoch from the list)
    adminNet.hook.rewrite = (path, body) =>
      path === `/v1/devices/${facilitatorId}`
        ? forged(body)
        : path === `/v1/groups/${groupId}/devices`
          ? { devices: body.devices.map(forged) }
          : body;
    await admin.client.rotateEpoch(groupId);
    adminNet.hook.rewrite = null;
    const epoch = admin.client.states.get(groupId)!.latestEpoch;
    const envelopes = await facilitator.client.session.call((api) => api.envelopes(groupId, epoch - 1));
    expect(envelopes).toEqual([]);
    expect((await admin.client.groups())[0]!.rosterValid).toBe(false);
  });
});

describe('schedules', () => {
  it('after 1,000 messages in an epoch the admin starts a new one', async () => {
    const state = admin.client.states.get(groupId)!;
    const before = state.chain.current.epoch;
    state.record.epochs[state.latestEpoch]!.messages = EPOCH_MAX_MESSAGES;
    await admin.client.sync(groupId);
    expect(state.chain.current.epoch).toBe(before + 1);
  });

  it('a week later the admin rotates the epoch and its own X25519 key', async () => {
    await admin.client.disconnect();
    const later = Date.now() + EPOCH_MAX_AGE_MS + 60_000;
    const reopened = await reopen(admin, { now: () => later });
    const before = reopened.client.states.get(groupId)!.chain.current.epoch;
    await reopened.client.sync();
    expect(reopened.client.identity.keys.kxVersion).toBe(2);
    expect(reopened.client.states.get(groupId)!.chain.current.epoch).toBe(before + 1);
    admin = reopened;
  });

  it('old epoch keys are deleted after the grace period', async () => {
    await member.client.sync(groupId);
    const state = member.client.states.get(groupId)!;
    expect(state.keys.size).toBeGreaterThan(1);
    const reopened = await reopen(member, { now: () => Date.now() + EPOCH_GRACE_MS + 60_000 });
    await reopened.client.sync(groupId);
    const after = reopened.client.states.get(groupId)!;
    expect([...after.keys.keys()]).toEqual([after.latestEpoch]);
    const events: ClientEvent[] = reopened.events;
    expect(events.filter((e) => e.type === 'undecryptable')).toEqual([]);
    member = reopened;
  });

  it('local copies are deleted with the retention the group set', async () => {
    member = await reopen(member, { now: Date.now });
    await admin.client.setSettings(groupId, { retentionSeconds: 3600 });
    await admin.client.send(groupId, 'ephemeral');
    await member.client.sync(groupId);
    expect((await member.client.history(groupId)).map(textOf)).toContain('ephemeral');
    const later = await reopen(member, { now: () => Date.now() + 3 * 3600_000 });
    await later.client.sync(groupId);
    expect((await later.client.history(groupId)).map(textOf)).not.toContain('ephemeral');
  });
});
