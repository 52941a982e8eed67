// How an app gets a client: createClient makes a new identity in an empty
// store and registers it; openClient opens an existing store with its passphrase.
import { cryptoReady } from '../../shared/crypto/sodium';
import { Client } from './client';
import type { OpenOptions } from './client-api';
import { IDENTITY_DOC, Identity, type IdentityDoc } from './identity';
import { RelayApi } from './relay-api';
import { SealedStore } from './sealed-store';
import { Session } from './session';

export interface ClientOptions extends OpenOptions {
  displayName?: string;
  /** the platform's fetch (tests pass one that rewrites what the server says) */
  fetch?: (input: string, init?: RequestInit) => Promise<Response>;
  /** the clock in Unix milliseconds (tests move it to reach schedules) */
  now?: () => number;
  /** reconnect backoff bounds in ms (default 500 .. 30,000) */
  backoff?: { minMs: number; maxMs: number };
  /**
   * One socket per group (/v1/groups/{id}/ws) instead of one for the device
   * (/v1/ws): needed on Cloudflare Workers. A device then hears of a group it
   * was added to at its next sync().
   */
  perGroupSockets?: boolean;
}

function start(options: ClientOptions, store: SealedStore, identity: Identity): Client {
  const api = new RelayApi(options.serverUrl.replace(/\/$/, ''), options.fetch);
  let client: Client | null = null;
  const session = new Session(api, () => client?.identity ?? identity);
  client = new Client({
    session,
    store,
    identity,
    serverUrl: options.serverUrl,
    openSocket: options.openSocket,
    now: options.now,
    backoff: options.backoff,
    perGroupSockets: options.perGroupSockets,
  });
  return client;
}

export async function createClient(options: ClientOptions): Promise<Client> {
  await cryptoReady();
  const store = await SealedStore.create(options.store, options.passphrase, options.kdf);
  const identity = Identity.generate(options.displayName ?? null, (options.now ?? Date.now)());
  await store.write(IDENTITY_DOC, identity.toJSON());
  const client = start(options, store, identity);
  await client.session.register();
  return client.load();
}

/** Rejects with ClientError('wrong_passphrase') if the passphrase does not open the store. */
export async function openClient(options: ClientOptions): Promise<Client> {
  await cryptoReady();
  const store = await SealedStore.open(options.store, options.passphrase);
  const doc = await store.read<IdentityDoc>(IDENTITY_DOC);
  if (!doc) throw new Error('the store holds no identity');
  const client = start(options, store, new Identity(doc));
  if (options.displayName !== undefined && options.displayName !== doc.displayName)
    client.identity.displayName = options.displayName;
  return client.load();
}
