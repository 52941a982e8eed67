// GET /v1/groups/{groupId}/devices: the records of every current member in one
// answer, so an admin seals an epoch with one request instead of one per
// member. Members only; a removed member's record leaves the list.
import { describe, expect, it } from 'vitest';
import { TestDevice } from '../support/api-client';
import { makeServerGroup, useServer } from '../support/fixtures';
import { expectError, expectOk } from '../support/http';

const server = useServer();

const idsOf = (devices: { deviceId: string }[]) => devices.map((d) => d.deviceId).sort();

describe("a group's device records", () => {
  it("a member reads every member's record, exactly as each device's own route serves it", async () => {
    const { admin, members, groupId } = await makeServerGroup(server.current, ['member', 'facilitator']);
    const { devices } = expectOk(await members[0]!.req('GET', `/v1/groups/${groupId}/devices`));
    expect(idsOf(devices)).toEqual([admin.id, ...members.map((m) => m.id)].sort());
    for (const d of [admin, ...members]) {
      const one = expectOk(await admin.req('GET', `/v1/devices/${d.id}`));
      expect(devices.find((r: { deviceId: string }) => r.deviceId === d.id)).toEqual(one);
    }
  });

  it('a device outside the group is refused, and a removed member is no longer listed nor may read the list', async () => {
    const { admin, members, groupId } = await makeServerGroup(server.current, ['member', 'member']);
    const outsider = await TestDevice.create(server.current);
    expectError(await outsider.req('GET', `/v1/groups/${groupId}/devices`), 403, 'not_member');
    expectOk(await admin.removeMember(groupId, members[1]!.id));
    const { devices } = expectOk(await admin.req('GET', `/v1/groups/${groupId}/devices`));
    expect(idsOf(devices)).toEqual([admin.id, members[0]!.id].sort());
    expectError(await members[1]!.req('GET', `/v1/groups/${groupId}/devices`), 403, 'not_member');
  });
});
