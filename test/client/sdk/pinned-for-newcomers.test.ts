// Pinned bulletins reach newcomers (PROTOCOL.md section 10), through the SDK
// and a real relay: the admin who approves a newcomer carries what is pinned
// into the new epoch; the newcomer reads it with its original author, time
// and sequence, and nothing else from before her join; members who had it do
// not see it twice; a member removed before a later pinned bulletin never
// reads it, even once it is carried to someone who joins after her removal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settle } from '../../../client/cli/context';
import type { Client } from '../../../client/sdk/client';
import type { MessageEvent } from '../../../client/sdk/events';
import { fromB64 } from '../../../shared/crypto/encoding';
import { decryptMessage } from '../../../shared/protocol/message-envelope';
import { FileStore } from '../../../client/node/file-store';
import { SealedStore } from '../../../client/sdk/sealed-store';
import { admitClients, clientGroup } from '../../support/client-group';
import { messageRows } from '../../support/db-tamper';
import { useServer } from '../../support/fixtures';
import { newClient, removeTempDirs, storedEpochKeys, type TestClient, textOf } from '../../support/sdk-fixtures';

const server = useServer();
let admin: TestClient;
let facilitator: TestClient;
let eve: TestClient;
let groupId: string;
const everyone: TestClient[] = [];

const NOTICE = '[공지] 12월 모임은 12일(토) 오후 2시, 늘 만나던 곳에서 해요.';
const bulletins = (c: Client) => c.history(groupId, { kind: 'bulletin' });
const texts = async (c: Client) => (await c.history(groupId)).map(textOf);

async function newcomer(name: string): Promise<TestClient> {
  const t = await newClient(server.current.url, name);
  everyone.push(t);
  await admitClients(admin, groupId, [[t, 'member']]);
  return t;
}

beforeAll(async () => {
  const g = await clientGroup(server.current.url, '늘봄 모임', [
    ['Facilitator', 'facilitator'],
    ['Eve', 'member'],
  ]);
  ({ admin, groupId } = g);
  [facilitator, eve] = g.others as [TestClient, TestClient];
  everyone.push(admin, facilitator, eve);
});

afterAll(async () => {
  await Promise.all(everyone.map((t) => settle(t.client)));
  await removeTempDirs();
});

describe('pinned bulletins for newcomers', () => {
  let pinnedSeq = 0;

  it('a newcomer approved after the pin reads the pinned bulletin with its original author, time and sequence', async () => {
    await facilitator.client.send(groupId, 'chat before her');
    await facilitator.client.postBulletin(groupId, 'an old notice, not pinned');
    pinnedSeq = (await facilitator.client.postBulletin(groupId, NOTICE, { pin: true })).seq;
    const original = (await bulletins(facilitator.client)).find((e) => e.seq === pinnedSeq)!;

    const nina = await newcomer('Nina');
    const board = await bulletins(nina.client);
    expect(board.map(textOf)).toEqual([NOTICE]);
    expect(board[0]).toMatchObject({
      seq: pinnedSeq,
      messageId: original.messageId,
      sender: facilitator.client.deviceId,
      senderRole: 'facilitator',
      sentAt: original.sentAt,
      pinned: true,
      carried: true,
      flags: { verified: true, roleRejected: false, invalidRoster: false },
    });
    expect(original.sentAt).toBeGreaterThan(0);
  });

  it('she reads no earlier chat and no earlier bulletin that is not pinned', async () => {
    const nina = everyone.find((t) => t.client.displayName === 'Nina')!;
    const read = await texts(nina.client);
    expect(read).not.toContain('chat before her');
    expect(read).not.toContain('an old notice, not pinned');
    expect(read.filter((t) => t === NOTICE)).toHaveLength(1);
  });

  it('members who had the bulletin, and a newcomer it is carried to twice, see it once', async () => {
    const olga = await newcomer('Olga'); // the second approval carries it again, in an epoch Nina holds
    const nina = everyone.find((t) => t.client.displayName === 'Nina')!;
    await Promise.all([admin, facilitator, nina].map((t) => t.client.sync(groupId)));
    for (const t of [admin, facilitator, nina, olga]) {
      const board = (await bulletins(t.client)).filter((e) => textOf(e) === NOTICE);
      expect(board, t.client.displayName ?? '').toHaveLength(1);
      expect(board[0]!.pinned).toBe(true);
    }
  });

  it('an unpin reaches a newcomer like every member; what was unpinned when she joined is not carried, until it is pinned again', async () => {
    await facilitator.client.pin(groupId, pinnedSeq, false);
    const nina = everyone.find((t) => t.client.displayName === 'Nina')!;
    await nina.client.sync(groupId);
    const mine = (await bulletins(nina.client)).find((e) => e.seq === pinnedSeq)!;
    expect(mine.pinned).toBe(false);
    const pia = await newcomer('Pia');
    expect(await bulletins(pia.client)).toEqual([]);
    // pinned again, it is carried to her at once (she joined after it was posted), and to the next newcomer
    await facilitator.client.pin(groupId, pinnedSeq, true);
    await pia.client.sync(groupId);
    expect((await bulletins(pia.client)).map((e) => [textOf(e), e.pinned, e.sender])).toEqual([
      [NOTICE, true, facilitator.client.deviceId],
    ]);
    const quinn = await newcomer('Quinn');
    expect((await bulletins(quinn.client)).map(textOf)).toEqual([NOTICE]);
    await nina.client.sync(groupId);
    expect((await bulletins(nina.client)).filter((e) => textOf(e) === NOTICE)).toHaveLength(1);
  });

  it('a member removed before a later pinned bulletin cannot read it, even when it is carried to a later newcomer', async () => {
    await eve.client.sync(groupId);
    await admin.client.removeMember(groupId, eve.client.deviceId);
    const later = '[공지] 새 상담 시간: 목요일 3시';
    const { seq } = await facilitator.client.postBulletin(groupId, later, { pin: true });
    const rosa = await newcomer('Rosa');
    expect((await bulletins(rosa.client)).map(textOf)).toContain(later);

    await eve.client.sync();
    expect(await texts(eve.client)).not.toContain(later);
    // Every row the relay holds, tried with every epoch key Eve's store kept: none opens to the later notice.
    const keys = await storedEpochKeys(eve, groupId);
    expect(keys.length).toBeGreaterThan(0);
    const rows = messageRows(server.current.dbPath, groupId);
    const carriedAfter = rows.filter((r) => r.kind === 'meta' && r.seq > seq);
    expect(carriedAfter.length).toBeGreaterThan(0);
    expect(Math.max(...keys.map((k) => k.epoch))).toBeLessThan(rows.find((r) => r.seq === seq)!.epoch);
    for (const row of rows.filter((r) => r.seq >= seq)) {
      for (const k of keys) {
        expect(() =>
          decryptMessage({ ...k, epoch: row.epoch }, fromB64(row.ciphertext), {
            group: groupId,
            epoch: row.epoch,
            kind: row.kind as MessageEvent['kind'],
          }),
        ).toThrow();
      }
    }
  });

  it('an edited pinned bulletin reaches a newcomer in its latest words; a deleted one is not carried, and no copy of it stays', async () => {
    const draft = '[공지] 1월 모임: 날짜 미정';
    const final = '[공지] 1월 모임은 9일(토) 오후 2시';
    const edited = await facilitator.client.postBulletin(groupId, draft, { pin: true });
    const editedId = (await bulletins(facilitator.client)).find((e) => e.seq === edited.seq)!.messageId;
    await facilitator.client.editMessage(groupId, editedId, final);
    const gone = '[공지] 취소된 행사 안내';
    const deleted = await facilitator.client.postBulletin(groupId, gone, { pin: true });
    const deletedId = (await bulletins(facilitator.client)).find((e) => e.seq === deleted.seq)!.messageId;
    await facilitator.client.deleteMessage(groupId, deletedId);
    await admin.client.sync(groupId);

    const sara = await newcomer('Sara');
    const board = await bulletins(sara.client);
    const mine = board.find((e) => e.messageId === editedId)!;
    expect([textOf(mine), mine.edited, mine.carried]).toEqual([final, true, true]);
    expect(board.map(textOf)).not.toContain(draft);
    expect(board.some((e) => e.messageId === deletedId)).toBe(false);
    expect(JSON.stringify(board)).not.toContain(gone);

    // The copies kept for carrying (sealed at rest): none left of the deleted bulletin, on any device that read it.
    for (const t of [admin, facilitator]) {
      const store = await SealedStore.open(new FileStore(t.dir), t.options.passphrase);
      const copies = (await store.read<Record<string, { target?: string }>>(`board/${groupId}`)) ?? {};
      store.close();
      expect(Object.keys(copies), t.client.displayName ?? '').not.toContain(deletedId);
      expect(Object.values(copies).some((c) => c.target === deletedId)).toBe(false);
      expect(Object.values(copies).some((c) => c.target === editedId)).toBe(true);
    }
  });
});
