// The unlocked state of the app: the SDK client and the app vault, both opened
// from one passphrase. Locking drops them from memory; wiping deletes the
// database, which leaves the device as it was before the first start.
import type { MindeulleApi } from '../../sdk/client-api';
import { createClient, openClient } from '../../sdk/index';
import type { WebSocketLike } from '../../sdk/live-socket';
import { AppVault, type PassphraseChange } from '../storage/app-vault';
import type { AppSettings } from '../storage/app-settings';
import { databaseExists, deleteDatabase, idbByteStore } from '../storage/idb-byte-store';
import { KDF_PARAMS } from './kdf-params';
import { forgetPushInBrowser } from './web-push';

export type UnlockResult = 'ok' | 'wrong' | 'duress';

export class WebSession {
  private readonly sdkStore = idbByteStore('sdk');
  private readonly appStore = idbByteStore('app');
  private unlocked: { client: MindeulleApi; vault: AppVault } | null = null;
  private readonly listeners = { lock: new Set<() => void>(), unlock: new Set<() => void>() };

  constructor(private readonly serverUrl: string) {}

  /** False on a fresh install and after a wipe: the database is not even created until then. */
  async hasIdentity(): Promise<boolean> {
    return (
      (await databaseExists()) && (await AppVault.exists(this.appStore)) && (await this.sdkStore.keys()).length > 0
    );
  }

  get isUnlocked(): boolean {
    return this.unlocked !== null;
  }

  get client(): MindeulleApi {
    if (!this.unlocked) throw new Error('locked');
    return this.unlocked.client;
  }

  get settings(): Readonly<AppSettings> {
    if (!this.unlocked) throw new Error('locked');
    return this.unlocked.vault.settings;
  }

  updateSettings(patch: Partial<AppSettings>): Promise<void> {
    if (!this.unlocked) throw new Error('locked');
    return this.unlocked.vault.update(patch);
  }

  setDuress(passphrase: string | null): Promise<'ok' | 'same-as-passphrase'> {
    if (!this.unlocked) throw new Error('locked');
    return this.unlocked.vault.setDuress(passphrase);
  }

  /**
   * Re-seals everything under a new passphrase: the app vault's change is
   * staged, the SDK store switches, then the vault commits (app-vault.ts says
   * how a change cut short is finished at the next unlock).
   */
  async changePassphrase(current: string, next: string): Promise<PassphraseChange> {
    if (!this.unlocked) throw new Error('locked');
    const { client, vault } = this.unlocked;
    const staged = await vault.stageChange(current, next);
    if (staged !== 'ok') return staged;
    try {
      await client.changePassphrase(current, next);
    } catch (err) {
      await vault.abandonChange();
      if ((err as { code?: string }).code === 'wrong_passphrase') return 'wrong';
      throw err;
    }
    await vault.commitChange();
    return 'ok';
  }

  /** A new identity: registers the device and seals everything under the passphrase. */
  async create(passphrase: string, displayName: string | undefined, settings: Partial<AppSettings>): Promise<void> {
    // Leftovers of an attempt that failed half-way.
    await Promise.all([this.sdkStore.clear(), this.appStore.clear()]);
    const client = await createClient({ ...this.clientOptions(passphrase), ...(displayName ? { displayName } : {}) });
    const vault = await AppVault.create(this.appStore, passphrase, KDF_PARAMS, settings);
    this.unlocked = { client, vault };
    this.opened();
  }

  async unlock(passphrase: string): Promise<UnlockResult> {
    const opened = await AppVault.open(this.appStore, passphrase);
    if (opened.kind === 'duress') {
      await this.wipe();
      return 'duress';
    }
    if (opened.kind === 'wrong') return 'wrong';
    try {
      const client = await openClient(this.clientOptions(passphrase));
      // Both opened with this passphrase: a passphrase change cut short is finished (or its stage dropped).
      await opened.vault.settle();
      this.unlocked = { client, vault: opened.vault };
    } catch (err) {
      opened.vault.close();
      if ((err as { code?: string }).code === 'wrong_passphrase') return 'wrong';
      throw err;
    }
    this.opened();
    return 'ok';
  }

  /** Synchronous, so that quick exit can call it right before the page goes. */
  lock(): void {
    const current = this.unlocked;
    this.unlocked = null;
    if (!current) return;
    current.vault.close();
    void current.client.disconnect().catch(() => {});
    for (const listener of this.listeners.lock) listener();
  }

  on(event: 'lock' | 'unlock', listener: () => void): () => void {
    this.listeners[event].add(listener);
    return () => this.listeners[event].delete(listener);
  }

  /** Erases every local byte (keys, history, drafts, settings). */
  async wipe(): Promise<void> {
    // Best effort and not awaited: a wipe (or duress) must not wait for, or show, anything push does.
    void this.unlocked?.client.setPushEndpoint(null).catch(() => {});
    void forgetPushInBrowser();
    this.lock();
    await deleteDatabase();
  }

  private opened(): void {
    // Offline is fine: the SDK reconnects and the outbox resends.
    void this.unlocked?.client.connect().catch(() => {});
    for (const listener of this.listeners.unlock) listener();
  }

  private clientOptions(passphrase: string) {
    return {
      serverUrl: this.serverUrl,
      store: this.sdkStore,
      passphrase,
      openSocket: (url: string) => new WebSocket(url) as unknown as WebSocketLike,
      kdf: KDF_PARAMS,
      // The socket that works on both targets (Workers has no device-wide one).
      // A group this device is added to is found by the next sync (the waiting screen polls).
      perGroupSockets: true,
    };
  }
}
