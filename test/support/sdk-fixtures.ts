// Real SDK clients for integration tests: a file store in a temporary
// directory, the `ws` socket, the minimum Argon2id cost.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { FileStore } from '../../client/node/file-store';
import type { Client } from '../../client/sdk/client';
import type { ClientEvent } from '../../client/sdk/events';
import type { WebSocketLike } from '../../client/sdk/live-socket';
import { type ClientOptions, createClient, openClient } from '../../client/sdk/open';
import { SealedStore } from '../../client/sdk/sealed-store';
import { MIN_PASSPHRASE_PARAMS } from '../../shared/crypto/passphrase-key';
import { type EpochKeys, type EpochKeysJson, importEpochKeys } from '../../shared/protocol/epoch-keys';

export const PASSPHRASE = '민들레 홀씨 되어';

export interface TestClient {
  client: Client;
  dir: string;
  events: ClientEvent[];
  options: ClientOptions;
}

const dirs: string[] = [];
const opened: Client[] = [];

export function clientOptions(serverUrl: string, dir: string, extra: Partial<ClientOptions> = {}): ClientOptions {
  return {
    serverUrl,
    store: new FileStore(dir),
    passphrase: PASSPHRASE,
    openSocket: (url) => new WebSocket(url) as unknown as WebSocketLike,
    kdf: MIN_PASSPHRASE_PARAMS,
    backoff: { minMs: 100, maxMs: 500 },
    ...extra,
  };
}

function track(client: Client, dir: string, options: ClientOptions): TestClient {
  const events: ClientEvent[] = [];
  client.subscribe((e) => events.push(e));
  opened.push(client);
  return { client, dir, events, options };
}

/** A new identity in a fresh temporary directory. */
export async function newClient(
  serverUrl: string,
  displayName?: string,
  extra: Partial<ClientOptions> = {},
): Promise<TestClient> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mindeulle-sdk-'));
  dirs.push(dir);
  const options = clientOptions(serverUrl, dir, { displayName, ...extra });
  return track(await createClient(options), dir, options);
}

/** The same store opened again: a restart (the running client is closed first; two clients on one store would race). */
export async function reopen(t: TestClient, extra: Partial<ClientOptions> = {}): Promise<TestClient> {
  await t.client.close();
  const options = { ...t.options, store: new FileStore(t.dir), ...extra };
  return track(await openClient(options), t.dir, options);
}

/** Closes every client the file opened, then deletes their stores. */
export async function removeTempDirs(): Promise<void> {
  await Promise.all(opened.splice(0).map((c) => c.close(2000).catch(() => {})));
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}

/** Resolves when an event matching `match` arrives (or has arrived). */
export async function waitForEvent<E extends ClientEvent>(
  t: TestClient,
  match: (e: ClientEvent) => e is E,
  timeoutMs = 10_000,
): Promise<E> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = t.events.find(match);
    if (found) return found;
    if (Date.now() > deadline) throw new Error('event did not arrive');
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const textOf = (e: ClientEvent): string | null =>
  e.type === 'message' && e.content.type === 'text' ? e.content.text : null;

/** The epoch keys a client's store holds for a group, read from its sealed files with the passphrase. */
export async function storedEpochKeys(t: TestClient, groupId: string): Promise<EpochKeys[]> {
  const store = await SealedStore.open(new FileStore(t.dir), t.options.passphrase);
  const names = await store.list(`epoch/${groupId}/`);
  const keys = await Promise.all(names.map(async (n) => importEpochKeys((await store.read<EpochKeysJson>(n))!)));
  store.close();
  return keys;
}
