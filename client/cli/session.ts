// Opens the SDK for one CLI invocation: the identity in --home (a FileStore
// the SDK seals with the passphrase), the server from --server or from what
// `init` recorded, `ws` for sockets.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { MIN_PASSPHRASE_PARAMS, type PassphraseKdfParams } from '../../shared/crypto/passphrase-key';
import { FileStore } from '../node/file-store';
import type { Client } from '../sdk/client';
import type { OpenOptions } from '../sdk/client-api';
import { createClient, openClient } from '../sdk/index';
import type { WebSocketLike } from '../sdk/live-socket';
import { CliError } from './output';
import { readNewPassphrase, readPassphrase, readReplacementPassphrase } from './prompt';

/** Plain settings next to the sealed store: only which server to talk to. */
interface CliConfig {
  server: string;
}

export interface SessionOptions {
  home?: string;
  server?: string;
  env?: NodeJS.ProcessEnv;
}

export const defaultHome = (env: NodeJS.ProcessEnv = process.env): string =>
  env.MINDEULLE_HOME || path.join(os.homedir(), '.mindeulle');

/**
 * MINDEULLE_KDF=min picks libsodium's minimum Argon2id cost (tests only: it
 * makes the passphrase easy to guess from a stolen store). Used when the
 * store is created; opening reads the cost from the store's header.
 */
function kdfFromEnv(env: NodeJS.ProcessEnv): PassphraseKdfParams | undefined {
  if (!env.MINDEULLE_KDF) return undefined;
  if (env.MINDEULLE_KDF === 'min') return MIN_PASSPHRASE_PARAMS;
  throw new CliError('MINDEULLE_KDF may only be "min" (tests)');
}

export class CliSession {
  readonly home: string;
  private readonly env: NodeJS.ProcessEnv;

  constructor(private readonly opts: SessionOptions) {
    this.env = opts.env ?? process.env;
    this.home = path.resolve(opts.home ?? defaultHome(this.env));
  }

  private get configPath(): string {
    return path.join(this.home, 'config.json');
  }

  private async readConfig(): Promise<CliConfig | null> {
    try {
      return JSON.parse(await readFile(this.configPath, 'utf8')) as CliConfig;
    } catch {
      return null;
    }
  }

  private baseOptions(server: string, passphrase: string): OpenOptions {
    const kdf = kdfFromEnv(this.env);
    return {
      serverUrl: server.replace(/\/+$/, ''),
      store: new FileStore(path.join(this.home, 'store')),
      passphrase,
      openSocket: (url) => new WebSocket(url) as unknown as WebSocketLike,
      ...(kdf ? { kdf } : {}),
    };
  }

  /** A new identity: registers the device with the server and records the server for later commands. */
  async create(displayName: string): Promise<Client> {
    if (await this.readConfig()) throw new CliError(`${this.home} already holds an identity (use another --home)`);
    const server = this.opts.server;
    if (!server) throw new CliError('init needs --server URL');
    const passphrase = await readNewPassphrase(this.env);
    const client = await createClient({ ...this.baseOptions(server, passphrase), displayName });
    await mkdir(this.home, { recursive: true, mode: 0o700 });
    await writeFile(this.configPath, JSON.stringify({ server } satisfies CliConfig), { mode: 0o600 });
    return client;
  }

  /** The identity created by `init`. */
  async open(): Promise<Client> {
    const config = await this.readConfig();
    if (!config) throw new CliError(`no identity in ${this.home}: run "mindeulle init --name NAME --server URL" first`);
    const passphrase = await readPassphrase('Passphrase: ', this.env);
    return openClient(this.baseOptions(this.opts.server ?? config.server, passphrase));
  }

  /** Re-seals the store under a new passphrase (the current one first, as for every command). */
  async changePassphrase(): Promise<void> {
    const config = await this.readConfig();
    if (!config) throw new CliError(`no identity in ${this.home}: run "mindeulle init --name NAME --server URL" first`);
    const current = await readPassphrase('Current passphrase: ', this.env);
    const next = await readReplacementPassphrase(this.env);
    if (next === current) throw new CliError('the new passphrase is the current one; nothing was changed', 2);
    const client = await openClient(this.baseOptions(this.opts.server ?? config.server, current));
    try {
      await client.changePassphrase(current, next);
    } finally {
      await client.close();
    }
  }

  async server(): Promise<string | null> {
    return this.opts.server ?? (await this.readConfig())?.server ?? null;
  }
}
