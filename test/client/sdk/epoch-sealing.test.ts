// How an admin's client gathers the members' keys when it starts an epoch:
// one request for the whole group's records (a group of 1,000 made 1,000
// requests per roster change before), each record still checked against the
// signed roster; a relay without that route is asked member by member.
import { afterAll, describe, expect, it } from 'vitest';
import { admitClients } from '../../support/client-group';
import { useServer } from '../../support/fixtures';
import { newClient, removeTempDirs } from '../../support/sdk-fixtures';

const server = useServer();

afterAll(removeTempDirs);

/** The platform fetch, recording each request's path; `refuse` answers a path with the relay's 404 for an unknown route. */
function recordingFetch(refuse: RegExp | null = null) {
  const paths: string[] = [];
  const fetcher = async (input: string, init?: RequestInit): Promise<Response> => {
    const path = new URL(input).pathname;
    paths.push(path);
    if (refuse?.test(path))
      return new Response(JSON.stringify({ error: { code: 'route_not_found', message: 'no such route' } }), {
        status: 404,
        headers: { 'content-type': 'application/json' },
      });
    return fetch(input, init);
  };
  return { paths, fetcher };
}

describe('sealing an epoch', () => {
  it("fetches every member's keys in one request, and every member opens the new epoch", async () => {
    const net = recordingFetch();
    const sealer = await newClient(server.current.url, 'Admin', { fetch: net.fetcher });
    const groupId = await sealer.client.createGroup('sealing');
    const others = await Promise.all(['A', 'B', 'C'].map((n) => newClient(server.current.url, n)));
    await admitClients(sealer, groupId, [
      [others[0]!, 'member'],
      [others[1]!, 'member'],
      [others[2]!, 'facilitator'],
    ]);
    net.paths.length = 0;
    await sealer.client.rotateEpoch(groupId);
    expect(net.paths.filter((p) => p === `/v1/groups/${groupId}/devices`)).toHaveLength(1);
    expect(net.paths.filter((p) => p.startsWith('/v1/devices/'))).toEqual([]);
    const epoch = sealer.client.states.get(groupId)!.latestEpoch;
    for (const t of others) {
      await t.client.sync(groupId);
      expect(t.client.states.get(groupId)!.latestEpoch).toBe(epoch);
    }
  });

  it('asks member by member when the relay does not know the route', async () => {
    const net = recordingFetch(/^\/v1\/groups\/[^/]+\/devices$/);
    const admin = await newClient(server.current.url, 'Old relay admin', { fetch: net.fetcher });
    const groupId = await admin.client.createGroup('old relay');
    const member = await newClient(server.current.url, 'M');
    const { code } = await admin.client.createInvite(groupId);
    await admin.client.approve(groupId, (await member.client.join(code)).requestId);
    expect(net.paths).toContain(`/v1/devices/${member.client.deviceId}`);
    await member.client.sync();
    expect(member.client.states.get(groupId)!.latestEpoch).toBe(admin.client.states.get(groupId)!.latestEpoch);
    expect((await admin.client.groups())[0]!.rosterValid).toBe(true);
  });
});
