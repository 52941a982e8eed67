// A roster longer than one page: the relay answers at most ROSTER_PAGE commits
// per request, and a group that grew one approval at a time passes that. The
// admin (behind by more than a page) and a newcomer (reading the chain from
// its genesis) must both read every page.
import { afterAll, describe, expect, it } from 'vitest';
import { applyCommit, signCommit } from '../../../shared/protocol/roster';
import { ROSTER_PAGE } from '../../../shared/schemas/groups';
import { useServer } from '../../support/fixtures';
import { newClient, removeTempDirs, textOf } from '../../support/sdk-fixtures';

const server = useServer();

afterAll(removeTempDirs);

describe('a roster of more than one page', () => {
  it('a newcomer finds the group and reads in it, and an admin behind by more than a page catches up', async () => {
    const admin = await newClient(server.current.url, 'Admin');
    const groupId = await admin.client.createGroup('long roster');
    // Commits that keep the epoch (allowed by the roster rules), signed with the admin's key behind her client's back.
    let state = admin.client.states.get(groupId)!.chain.current;
    for (let i = 0; i < ROSTER_PAGE + 20; i++) {
      const commit = signCommit(
        {
          v: 1,
          group: groupId,
          seq: state.seq + 1,
          prev: state.head,
          epoch: state.epoch,
          author: admin.client.deviceId,
          ops: [{ op: 'settings', announcementOnly: i % 2 === 0 }],
        },
        admin.client.identity.keys.signSk,
      );
      await admin.client.session.call((api) => api.appendCommit(groupId, commit));
      state = applyCommit(state, commit);
    }
    await admin.client.sync(groupId);
    expect(admin.client.states.get(groupId)!.chain.current.seq).toBe(ROSTER_PAGE + 20);
    const newcomer = await newClient(server.current.url, 'Newcomer');
    const { code } = await admin.client.createInvite(groupId);
    await admin.client.approve(groupId, (await newcomer.client.join(code)).requestId);
    await admin.client.send(groupId, 'welcome');
    await newcomer.client.sync();
    const history = await newcomer.client.history(groupId);
    expect(history.map(textOf)).toContain('welcome');
  });
});
