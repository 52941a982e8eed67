// P9: a plain member's bulletin is rejected by every client even when the
// server stores it. Here the relay itself is made complicit: it promotes the
// member to facilitator in its own membership table (no signed commit), so it
// accepts a bulletin from her (sealed by a modified client: the SDK
// refuses to seal one) through the normal API. Every reader checks the role
// in the signed roster at that epoch and rejects it; the member's own client
// sees the server claim a role the chain does not give and flags the roster.
// (A bulletin written straight into the table is covered in
// test/client/sdk/flags.test.ts › a member's bulletin stored by a compromised server.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settle } from '../../client/cli/context';
import type { MessageEvent } from '../../client/sdk/events';
import { toB64 } from '../../shared/crypto/encoding';
import { encryptMessage } from '../../shared/protocol/message-envelope';
import { encodePlaintext } from '../../shared/protocol/plaintext';
import { messageRows, setMembershipRole } from '../support/db-tamper';
import { useServer } from '../support/fixtures';
import { clientGroup } from '../support/client-group';
import { removeTempDirs, type TestClient, textOf } from '../support/sdk-fixtures';

const server = useServer();
let admin: TestClient;
let facilitator: TestClient;
let member: TestClient;
let groupId: string;

beforeAll(async () => {
  const g = await clientGroup(server.current.url, 'p9', [
    ['Facilitator', 'facilitator'],
    ['Member', 'member'],
  ]);
  ({ admin, groupId } = g);
  [facilitator, member] = g.others as [TestClient, TestClient];
});

afterAll(async () => {
  await Promise.all([admin, facilitator, member].map((t) => settle(t.client))); // no write in flight when the directories go
  await removeTempDirs();
});

/** What a modified client can do: seal a bulletin with the member's real keys, skipping the SDK's own role check. */
function handMadeBulletin(text: string) {
  const state = member.client.states.get(groupId)!;
  const keys = state.keys.get(state.latestEpoch)!;
  const sealed = encryptMessage(
    keys,
    member.client.identity.keys,
    'bulletin',
    encodePlaintext({ type: 'text', sentAt: Date.now(), text }),
  );
  return {
    clientMsgId: sealed.clientMsgId,
    epoch: keys.epoch,
    kind: 'bulletin' as const,
    ciphertext: toB64(sealed.envelope),
    pinned: true,
  };
}

describe('a bulletin from a plain member', () => {
  it('is refused by her own client, and by the honest relay when a modified client sends one', async () => {
    await expect(member.client.postBulletin(groupId, 'not allowed')).rejects.toMatchObject({ code: 'role_forbidden' });
    await expect(
      member.client.session.call((api) => api.post(groupId, handMadeBulletin('not allowed either'))),
    ).rejects.toMatchObject({
      code: 'role_forbidden',
    });
  });

  it('accepted by a relay that promoted her on its own is rejected by every client, and her client flags the roster', async () => {
    setMembershipRole(server.current.dbPath, groupId, member.client.deviceId, 'facilitator');
    const { seq } = await member.client.session.call((api) => api.post(groupId, handMadeBulletin('fake announcement')));
    expect(messageRows(server.current.dbPath, groupId).find((r) => r.seq === seq)).toMatchObject({
      kind: 'bulletin',
      pinned: 1,
    });

    for (const reader of [admin, facilitator]) {
      await reader.client.sync(groupId);
      const e = reader.events.find((x): x is MessageEvent => x.type === 'message' && x.seq === seq)!;
      expect(e).toMatchObject({
        kind: 'bulletin',
        sender: member.client.deviceId,
        senderRole: 'member',
        flags: { verified: true, roleRejected: true },
      });
      expect((await reader.client.history(groupId, { kind: 'bulletin' })).map(textOf)).not.toContain(
        'fake announcement',
      );
      expect((await reader.client.history(groupId)).map(textOf)).not.toContain('fake announcement');
    }
    // the server's summary names a role the signed chain does not give her
    await member.client.sync();
    const view = (await member.client.groups())[0]!;
    expect(view.role).toBe('member');
    expect(view.rosterValid).toBe(false);
    // a real facilitator's bulletin still reads normally
    await facilitator.client.postBulletin(groupId, 'real announcement');
    await admin.client.sync(groupId);
    expect((await admin.client.history(groupId, { kind: 'bulletin' })).map(textOf)).toEqual(['real announcement']);
  });
});
