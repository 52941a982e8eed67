// P13, a fabricated group at the door. A newcomer verifies the roster chain
// from its genesis, but the genesis is self-signed: a relay can answer her
// roster fetch with a whole group of its own making (same group id, a genesis
// by a device it controls, a commit adding her). The invite link carries the
// real group's genesis hash in its fragment (never sent to the server): with
// it her client refuses the made-up group and keeps nothing of it; with a
// code typed by hand it cannot tell, and says so ("not verified: compare
// safety numbers").
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settle } from '../../client/cli/context';
import { inviteLink, parseInvite } from '../../client/sdk/invite-link';
import { devicePublic, generateDeviceKeys } from '../../shared/protocol/device';
import { applyGenesis, signCommit, type SignedCommit } from '../../shared/protocol/roster';
import { useServer } from '../support/fixtures';
import { type MaliciousProxy, route, startMaliciousProxy } from '../support/malicious-proxy';
import { nextBody } from '../shared/protocol/fixtures';
import { newClient, removeTempDirs, type TestClient } from '../support/sdk-fixtures';

const server = useServer();
let proxy: MaliciousProxy;
let admin: TestClient;
let groupId: string;
const clients: TestClient[] = [];

beforeAll(async () => {
  proxy = await startMaliciousProxy(server.current);
  admin = await newClient(server.current.url, 'Admin');
  clients.push(admin);
  groupId = await admin.client.createGroup('real group');
});

afterAll(async () => {
  await Promise.all(clients.map((t) => settle(t.client)));
  await removeTempDirs();
  await proxy?.close();
});

/** A chain the relay makes up for the real group's id: its own device's genesis, then a commit adding her. */
function fabricatedChain(newcomer: TestClient): SignedCommit[] {
  const server = generateDeviceKeys();
  const me = devicePublic(server);
  const genesis = signCommit(
    {
      v: 1,
      group: groupId,
      seq: 0,
      prev: null,
      epoch: 1,
      author: me.deviceId,
      ops: [{ op: 'add', device: me.deviceId, signPk: me.signPk, role: 'admin' }],
    },
    server.signSk,
  );
  const her = devicePublic(newcomer.client.identity.keys);
  const add = signCommit(
    nextBody(applyGenesis(genesis), server, [{ op: 'add', device: her.deviceId, signPk: her.signPk, role: 'member' }]),
    server.signSk,
  );
  return [genesis, add];
}

/** A newcomer behind the proxy joins (from a link or a bare code); the admin approves; the proxy answers her roster fetch with `chain`. */
async function joinThroughProxy(
  name: string,
  input: (code: string, groupHash: string) => string,
  chain?: (t: TestClient) => SignedCommit[],
) {
  const newcomer = await newClient(proxy.url, name);
  clients.push(newcomer);
  const { code, groupHash } = await admin.client.createInvite(groupId);
  const invite = parseInvite(input(code, groupHash))!;
  const { requestId } = await newcomer.client.join(invite.code, undefined, invite.groupHash);
  await admin.client.approve(groupId, requestId);
  const stop = chain
    ? proxy.rewriteResponses(route('GET', new RegExp(`^/v1/groups/${groupId}/roster$`)), (body) => ({
        ...body,
        commits: chain(newcomer).map((commit, seq) => ({ seq, commit })),
      }))
    : () => {};
  try {
    await newcomer.client.sync();
  } finally {
    stop();
  }
  return newcomer;
}

const viaLink = (code: string, hash: string) => inviteLink('https://relay.example', code, hash);
const byHand = (code: string) => code;

describe('a group the relay fabricates at the door', () => {
  it('carries the genesis hash in the link fragment only, never in what reaches the server', () => {
    const url = new URL(viaLink('ABCD-EFGH-JKMN-PQRS-TVWX-YZ23-4567', 'A'.repeat(43)));
    expect(url.pathname + url.search).toBe('/');
    expect(parseInvite(url.href)).toEqual({ code: 'ABCD-EFGH-JKMN-PQRS-TVWX-YZ23-4567', groupHash: 'A'.repeat(43) });
  });

  it('is refused when she joined from the invite link: nothing of it is kept and she is told', async () => {
    const newcomer = await joinThroughProxy('Link', viaLink, fabricatedChain);
    expect(await newcomer.client.groups()).toEqual([]);
    expect(newcomer.client.states.has(groupId)).toBe(false);
    expect(await newcomer.client.store.read(`group/${groupId}`)).toBeUndefined();
    expect(newcomer.events).toContainEqual({ type: 'wrong-group', groupId });
    // the real group, once the relay stops lying, is hers and verified
    await newcomer.client.sync();
    expect(await newcomer.client.groups()).toEqual([
      expect.objectContaining({ groupId, doorVerified: true, invitation: false }),
    ]);
  });

  it('is shown as not verified when she typed the code by hand', async () => {
    const newcomer = await joinThroughProxy('Hand', byHand, fabricatedChain);
    const [view] = await newcomer.client.groups();
    expect(view).toMatchObject({ groupId, doorVerified: false, invitation: false });
    expect(view!.members.map((m) => m.deviceId)).not.toContain(admin.client.deviceId);
  });

  it('the real group joined from the link is verified; by hand it is not', async () => {
    const fromLink = await joinThroughProxy('Real link', viaLink);
    const fromCode = await joinThroughProxy('Real code', byHand);
    expect((await fromLink.client.groups())[0]).toMatchObject({ groupId, doorVerified: true });
    expect((await fromCode.client.groups())[0]).toMatchObject({ groupId, doorVerified: false });
    expect((await admin.client.groups())[0]).toMatchObject({ groupId, doorVerified: true }); // she created it
  });
});
