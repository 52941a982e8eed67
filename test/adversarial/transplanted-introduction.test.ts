// P4 and P1: the server files join requests, so it can copy a real newcomer's
// sealed introduction onto the request of a device it controls (same invite)
// and delete hers. If the admin read her words there, she would approve the
// server's device and it would read the group. The introduction is signed by
// the device that asks and sealed in a context naming that device and its key,
// so moved onto another request it neither opens nor verifies: the admin's
// client shows it as transplanted (a warning), never as her words.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settle } from '../../client/cli/context';
import { TestDevice } from '../support/api-client';
import { joinRequestRows, transplantIntroduction, withDb } from '../support/db-tamper';
import { useServer } from '../support/fixtures';
import { expectOk } from '../support/http';
import { newClient, removeTempDirs, type TestClient } from '../support/sdk-fixtures';

const server = useServer();
const HER_WORDS = '저 민지예요. 어제 쉼터에서 상담사님을 만났어요.';
let admin: TestClient;
let her: TestClient;
let groupId: string;

const storedIntroduction = (requestId: string) =>
  withDb(
    server.current.dbPath,
    (db) =>
      (
        db.prepare('SELECT introduction FROM join_requests WHERE id = ?').get(requestId) as
          | { introduction: string }
          | undefined
      )?.introduction,
  );

beforeAll(async () => {
  admin = await newClient(server.current.url, 'Counselor');
  her = await newClient(server.current.url, 'Minji');
  groupId = await admin.client.createGroup('쉼터 모임');
});

afterAll(async () => {
  await Promise.all([admin, her].map((t) => settle(t.client)));
  await removeTempDirs();
});

describe('a newcomer’s introduction moved by the server onto its own device’s request', () => {
  it('is shown to the admin as transplanted, never as her words, and her request is gone', async () => {
    const { code, inviteId } = await admin.client.createInvite(groupId, { maxUses: 5 });
    const mine = await her.client.join(code, HER_WORDS);
    const planted = await TestDevice.create(server.current);
    const theirs = expectOk(await planted.redeem(code), 201) as { requestId: string };

    const sealed = storedIntroduction(mine.requestId)!;
    expect(sealed.length).toBeGreaterThan(0);
    transplantIntroduction(server.current.dbPath, mine.requestId, theirs.requestId);
    // the threat is real: the relay now holds her exact sealed words on its device's request, and hers is gone
    expect(storedIntroduction(theirs.requestId)).toBe(sealed);
    expect(joinRequestRows(server.current.dbPath, inviteId).map((r) => r.device_id)).toEqual([planted.id]);

    const requests = await admin.client.joinRequests(groupId);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      requestId: theirs.requestId,
      deviceId: planted.id,
      introductionStatus: 'transplanted',
      introduction: null,
    });
    expect(JSON.stringify(requests)).not.toContain('민지');
  });

  it('her own request, left alone, shows her words as verified; a device without one shows none', async () => {
    const { code } = await admin.client.createInvite(groupId, { maxUses: 5 });
    const mine = await her.client.join(code, HER_WORDS);
    const quiet = await TestDevice.create(server.current);
    const theirs = expectOk(await quiet.redeem(code), 201) as { requestId: string };

    const requests = await admin.client.joinRequests(groupId);
    expect(requests.find((r) => r.requestId === mine.requestId)).toMatchObject({
      deviceId: her.client.deviceId,
      introductionStatus: 'verified',
      introduction: HER_WORDS,
    });
    expect(requests.find((r) => r.requestId === theirs.requestId)).toMatchObject({
      introductionStatus: 'none',
      introduction: null,
    });
  });
});
