// Real SDK clients in one group, for the attacks that need what a client shows:
// an admin who creates it and approves each newcomer through an invite.
import type { Role } from '../../shared/protocol/roster';
import { newClient, type TestClient } from './sdk-fixtures';

type GrantedRole = Exclude<Role, 'admin'>;

/** Invite, redeem, approve for each newcomer; then each catches up. */
export async function admitClients(
  admin: TestClient,
  groupId: string,
  newcomers: [TestClient, GrantedRole][],
): Promise<void> {
  for (const [t, role] of newcomers) {
    const { code } = await admin.client.createInvite(groupId, { role });
    await admin.client.approve(groupId, (await t.client.join(code)).requestId);
  }
  await Promise.all(newcomers.map(([t]) => t.client.sync()));
}

/** A new group of an admin and one client per given name and role. */
export async function clientGroup(serverUrl: string, name: string, people: [string, GrantedRole][]) {
  const admin = await newClient(serverUrl, 'Admin');
  const others = await Promise.all(people.map(([n]) => newClient(serverUrl, n)));
  const groupId = await admin.client.createGroup(name);
  await admitClients(
    admin,
    groupId,
    others.map((t, i) => [t, people[i]![1]]),
  );
  return { admin, others, groupId };
}
