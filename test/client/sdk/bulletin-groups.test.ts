// One bulletin to several groups through the SDK and a real relay: sealed for
// each group separately, it arrives once in each; if she may not post
// bulletins in one of the groups, nothing is sent to any of them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admitClients } from '../../support/client-group';
import { messageRows } from '../../support/db-tamper';
import { useServer } from '../../support/fixtures';
import { newClient, removeTempDirs, type TestClient } from '../../support/sdk-fixtures';

const server = useServer();
const TEXT = '12월 순례는 토요일 오전 10시에 출발해요';

let admin: TestClient;
let bora: TestClient;
let groups: string[];

beforeAll(async () => {
  admin = await newClient(server.current.url, 'Admin');
  bora = await newClient(server.current.url, 'Bora');
  groups = [];
  for (const name of ['포럼', '캠페인', '순례']) groups.push(await admin.client.createGroup(name));
  for (const g of groups) await admitClients(admin, g, [[bora, 'member']]);
});

afterAll(async () => {
  await removeTempDirs();
});

describe('postBulletinToGroups', () => {
  it('arrives once in each of three groups, sealed separately', async () => {
    const posted = await admin.client.postBulletinToGroups(groups, TEXT, { pin: true });
    expect(posted.map((p) => p.groupId)).toEqual(groups);
    await bora.client.sync();
    for (const g of groups) {
      const bulletins = (await bora.client.history(g, { kind: 'bulletin' })).filter(
        (e) => e.content.type === 'text' && e.content.text === TEXT,
      );
      expect(bulletins).toHaveLength(1);
      expect(bulletins[0]!.pinned).toBe(true);
    }
    // nothing on the relay links the copies: different ids, different ciphertexts
    const rows = groups.map((g) => messageRows(server.current.dbPath, g).find((r) => r.kind === 'bulletin')!);
    expect(new Set(rows.map((r) => r.client_msg_id)).size).toBe(3);
    expect(new Set(rows.map((r) => r.ciphertext)).size).toBe(3);
  });

  it('a group where she is only a member is refused before anything is sent, and the error names it', async () => {
    const own = await bora.client.createGroup('보라의 모임');
    const before = [own, ...groups].map((g) => messageRows(server.current.dbPath, g).length);
    await expect(bora.client.postBulletinToGroups([own, groups[1]!], '모두에게')).rejects.toMatchObject({
      code: 'role_forbidden',
      message: expect.stringContaining('캠페인'),
    });
    expect([own, ...groups].map((g) => messageRows(server.current.dbPath, g).length)).toEqual(before);
  });
});
