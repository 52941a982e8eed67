// P7 without false alarms: a relay that restarts mid-flight can store one
// sender's posts in an order other than their counters (resent posts land
// late). Here its SQLite file is edited to swap two stored rows. The reader
// sees a gap open on the later counter and close when the earlier one
// arrives, in the history too: nothing is shown after catch-up. A row the
// relay really drops still shows as an open gap.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settle } from '../../client/cli/context';
import type { ClientEvent, GapsEvent, MessageEvent } from '../../client/sdk/events';
import { deleteMessageRow, withDb } from '../support/db-tamper';
import { useServer } from '../support/fixtures';
import { clientGroup } from '../support/client-group';
import { removeTempDirs, type TestClient, textOf } from '../support/sdk-fixtures';

const server = useServer();
let alice: TestClient;
let bora: TestClient;
let groupId: string;

const isText =
  (text: string) =>
  (e: ClientEvent): e is MessageEvent =>
    textOf(e) === text;
const inHistory = async (text: string) => (await bora.client.history(groupId)).find(isText(text))!;
const view = async () => (await bora.client.groups()).find((g) => g.groupId === groupId)!;

function swapSeqs(a: number, b: number): void {
  withDb(server.current.dbPath, (db) => {
    const move = db.prepare('UPDATE messages SET seq = ? WHERE group_id = ? AND seq = ?');
    db.transaction(() => {
      move.run(-1, groupId, a);
      move.run(a, groupId, b);
      move.run(b, groupId, -1);
    })();
  });
}

beforeAll(async () => {
  const g = await clientGroup(server.current.url, 'p7-order', [['Bora', 'member']]);
  [alice, bora, groupId] = [g.admin, g.others[0]!, g.groupId];
  await settle(bora.client);
});

afterAll(async () => {
  await Promise.all([alice, bora].map((t) => settle(t.client)));
  await removeTempDirs();
});

describe('a relay that stores one sender’s posts out of counter order', () => {
  it('raises no gap after catch-up: the flag closes when the missing counter arrives', async () => {
    const first = await alice.client.send(groupId, 'counter first');
    const second = await alice.client.send(groupId, 'counter second');
    swapSeqs(first.seq, second.seq);
    await bora.client.sync(groupId);
    const early = bora.events.find(isText('counter second'))!;
    expect(early.seq).toBe(first.seq); // read first, as stored ...
    expect(early.flags.gap).toBe(true); // ... it opened a gap when read ...
    expect((await inHistory('counter second')).flags.gap).toBe(false); // ... closed once the earlier counter came
    expect((await inHistory('counter first')).flags.gap).toBe(false);
    expect((await view()).openGaps).toEqual([]);
  });

  it('a post the relay really drops still shows as an open gap', async () => {
    const dropped = await alice.client.send(groupId, 'dropped for good');
    await alice.client.send(groupId, 'after the drop');
    deleteMessageRow(server.current.dbPath, groupId, dropped.seq);
    await bora.client.sync(groupId);
    expect((await inHistory('after the drop')).flags.gap).toBe(true);
    expect((await view()).openGaps).toEqual([
      expect.objectContaining({ sender: alice.client.deviceId, missing: 1, hidden: false }),
    ]);
    const told = bora.events.filter((e): e is GapsEvent => e.type === 'gaps').at(-1);
    expect(told?.open).toHaveLength(1);
  });
});
