// What every command gets: the session (identity in --home), the output, and
// helpers that open the client and turn what a person typed (an id, an id
// prefix or a name) into the id the SDK wants.
import type { GroupView, MindeulleApi } from '../sdk/client-api';
import type { CommandSpec } from './args';
import { CliError, type Output } from './output';
import type { Session } from './session';

export interface Ctx {
  session: Session;
  out: Output;
}

export type Command = CommandSpec<Ctx>;

/**
 * Opens the client, brings it up to date with the server (live socket for
 * posting, catch-up for reading), runs `fn`, and always disconnects.
 */
export async function withClient<T>(ctx: Ctx, fn: (client: MindeulleApi) => Promise<T>): Promise<T> {
  const client = await ctx.session.open();
  try {
    await client.connect();
    await client.sync();
    return await fn(client);
  } finally {
    await client.disconnect();
  }
}

/** One item whose id equals `ref`, or whose id starts with it, or whose name equals it; else a clear error. */
export function pick<T>(items: T[], ref: string, what: string, id: (t: T) => string, name: (t: T) => string | null = () => null): T {
  const exact = items.filter((t) => id(t) === ref);
  if (exact.length === 1) return exact[0]!;
  const byName = items.filter((t) => name(t) === ref);
  if (byName.length === 1) return byName[0]!;
  const byPrefix = ref.length >= 4 ? items.filter((t) => id(t).startsWith(ref)) : [];
  if (byPrefix.length === 1) return byPrefix[0]!;
  if (byName.length > 1 || byPrefix.length > 1) throw new CliError(`"${ref}" matches more than one ${what}; give the full id`);
  throw new CliError(`no ${what} "${ref}"`);
}

export async function findGroup(client: MindeulleApi, ref: string): Promise<GroupView> {
  return pick(await client.groups(), ref, 'group', (g) => g.groupId, (g) => g.name);
}

export function findMember(group: GroupView, ref: string) {
  return pick(group.members, ref, 'member', (m) => m.deviceId, (m) => m.displayName);
}
