// Shared set-up for integration suites: one server per file and small groups.
import { afterAll, beforeAll } from 'vitest';
import { cryptoReady } from '../../shared/crypto/sodium';
import { admit, type ServerLike, TestDevice } from './api-client';
import type { ServerOptions, ServerProcess } from './server-process';
import { startTarget } from './targets';

/** Starts one server (of the target under test) for the calling test file; read `.current` inside tests. */
export function useServer(options: ServerOptions = {}): { current: ServerProcess } {
  const ref = {} as { current: ServerProcess };
  beforeAll(async () => {
    await cryptoReady();
    ref.current = await startTarget(options);
  });
  afterAll(async () => {
    await ref.current?.destroy();
  });
  return ref;
}

export interface TestGroup {
  groupId: string;
  admin: TestDevice;
  members: TestDevice[];
}

/** A fresh group on the server: an admin plus one approved device per given role (test/shared/protocol/fixtures.ts has the in-memory makeGroup). */
export async function makeServerGroup(
  server: ServerLike,
  roles: ('member' | 'facilitator')[] = ['member'],
): Promise<TestGroup> {
  const admin = await TestDevice.create(server);
  const groupId = await admin.createGroup();
  const members: TestDevice[] = [];
  for (const role of roles) {
    const d = await TestDevice.create(server);
    await admit(admin, d, groupId, role);
    members.push(d);
  }
  return { groupId, admin, members };
}
