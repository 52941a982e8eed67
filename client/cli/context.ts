// What every command gets: the session (identity in --home), the output, and
// helpers that open the client and turn what a person typed (an id, an id
// prefix or a name) into the id the SDK wants.
import type { Client } from '../sdk/client';
import type { GroupView, MindeulleApi } from '../sdk/client-api';
import type { CommandSpec } from './args';
import { CliError, type Output } from './output';
import type { CliSession } from './session';
import { t } from '../web/i18n';

export interface Ctx {
  session: CliSession;
  out: Output;
}

export type Command = CommandSpec<Ctx>;

/**
 * Opens the client, catches up with the server over HTTP, runs `fn`, and
 * waits until every post is stored (including the profile and group-name
 * updates the SDK sends on its own after a new epoch) before returning.
 */
export async function withClient<T>(ctx: Ctx, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = await ctx.session.open();
  // A key sealed to a retired device key is an attack by the server: say so whatever the command.
  client.subscribe((e) => {
    if (e.type === 'stale-key') ctx.out.note(`${t('key.stale')} (${e.groupId})`);
    if (e.type === 'wrong-group') ctx.out.note(t('warn.wrongGroup'));
  });
  try {
    await client.sync();
    const result = await fn(client);
    await settle(client);
    return result;
  } finally {
    await client.close();
  }
}

/** withClient, with GROUP (an id, id prefix or name) resolved first. */
export function withGroup<T>(ctx: Ctx, ref: string, fn: (client: Client, group: GroupView) => Promise<T>): Promise<T> {
  return withClient(ctx, async (client) => fn(client, await findGroup(client, ref)));
}

const SETTLE_MS = 15_000;

/**
 * Until the outbox is empty (a post refused for good leaves it too, so this
 * ends), then one more catch-up: the SDK reads up to each acked post under
 * the group's lock, and this queues behind that.
 */
export async function settle(client: Client): Promise<void> {
  const deadline = Date.now() + SETTLE_MS;
  for (;;) {
    await client.sync(); // runs after any sealing queued on a group's lock, then sends what is pending
    if (client.transport.outbox.size === 0) break;
    if (Date.now() > deadline)
      throw new CliError('some posts could not be delivered yet; they are kept and sent next time');
    await new Promise((r) => setTimeout(r, 50));
  }
  await client.sync();
}

/** One item whose id equals `ref`, or whose id starts with it, or whose name equals it; else a clear error. */
export function pick<T>(
  items: T[],
  ref: string,
  what: string,
  id: (t: T) => string,
  name: (t: T) => string | null = () => null,
): T {
  const exact = items.filter((t) => id(t) === ref);
  if (exact.length === 1) return exact[0]!;
  const byName = items.filter((t) => name(t) === ref);
  if (byName.length === 1) return byName[0]!;
  const byPrefix = ref.length >= 4 ? items.filter((t) => id(t).startsWith(ref)) : [];
  if (byPrefix.length === 1) return byPrefix[0]!;
  if (byName.length > 1 || byPrefix.length > 1)
    throw new CliError(`"${ref}" matches more than one ${what}; give the full id`);
  throw new CliError(`no ${what} "${ref}"`);
}

export async function findGroup(client: MindeulleApi, ref: string): Promise<GroupView> {
  return pick(
    await client.groups(),
    ref,
    'group',
    (g) => g.groupId,
    (g) => g.name,
  );
}

export function findMember(group: GroupView, ref: string) {
  return pick(
    group.members,
    ref,
    'member',
    (m) => m.deviceId,
    (m) => m.displayName,
  );
}
