// The web app's own local data (settings, drafts) and the duress check, sealed
// with a key derived from the passphrase (shared/crypto/passphrase-key). One
// Argon2id derivation of what was typed at unlock tells all three cases apart:
// it opens the settings (the passphrase), the duress slot (the duress
// passphrase), or neither. The duress slot always holds a blob of the same
// size, random until a duress passphrase is set, so its presence says nothing.
//
// Changing the passphrase keeps the header (salt and cost), so the duress slot,
// derived from the duress passphrase with that salt, keeps working untouched;
// only the sealed settings move to the new key. The new seal is first staged
// (`settings.next`), the SDK store is re-sealed, then the settings are
// replaced. If the page dies after the SDK's switch but before that, the new
// passphrase opens the staged copy and the session promotes it (`settle`).
import { fromUtf8, utf8 } from '../../../shared/crypto/encoding';
import {
  AtRestError,
  keyFromHeader,
  newPassphraseHeader,
  openAtRest,
  type PassphraseHeader,
  type PassphraseKdfParams,
  sealAtRest,
} from '../../../shared/crypto/passphrase-key';
import { constantTimeEqual, memzero, randomBytes } from '../../../shared/crypto/primitives';
import { cryptoReady } from '../../../shared/crypto/sodium';
import type { ByteStore } from '../../sdk/store';
import { type AppSettings, DEFAULT_SETTINGS, parseSettings } from './app-settings';

const HEADER = 'header';
const SETTINGS = 'settings';
const DURESS = 'duress';
/** The settings sealed under a new passphrase, until the SDK store has switched to it too. */
const STAGED = 'settings.next';
const DURESS_MARKER = new Uint8Array(16);

/** `staged`: the passphrase opened a change not yet settled (see `settle`). */
export type VaultOpening = { kind: 'ok'; vault: AppVault; staged: boolean } | { kind: 'duress' } | { kind: 'wrong' };

export type PassphraseChange = 'ok' | 'wrong' | 'same-as-duress';

export class AppVault {
  private constructor(
    private readonly store: ByteStore,
    private readonly header: PassphraseHeader,
    private key: Uint8Array,
    private current: AppSettings,
    private staged: boolean,
  ) {}

  /** The key of a change in progress (between stageChange and commitChange). */
  private nextKey: Uint8Array | null = null;

  static async exists(store: ByteStore): Promise<boolean> {
    return (await store.get(HEADER)) !== undefined;
  }

  static async create(
    store: ByteStore,
    passphrase: string,
    params: PassphraseKdfParams | undefined,
    settings: Partial<AppSettings>,
  ): Promise<AppVault> {
    await cryptoReady();
    const header = newPassphraseHeader(params);
    const key = await keyFromHeader(passphrase, header);
    const vault = new AppVault(store, header, key, { ...DEFAULT_SETTINGS, ...settings }, false);
    await store.put(HEADER, utf8(JSON.stringify(header)));
    await vault.writeSettings();
    await store.put(DURESS, randomDuressFiller());
    return vault;
  }

  static async open(store: ByteStore, passphrase: string): Promise<VaultOpening> {
    const [rawHeader, sealedSettings, duress, staged] = await Promise.all([
      store.get(HEADER),
      store.get(SETTINGS),
      store.get(DURESS),
      store.get(STAGED),
    ]);
    if (!rawHeader || !sealedSettings) return { kind: 'wrong' };
    const header = JSON.parse(fromUtf8(rawHeader)) as PassphraseHeader;
    const key = await keyFromHeader(passphrase, header);
    for (const [blob, isStaged] of [
      [sealedSettings, false],
      [staged, true],
    ] as const) {
      const settings = blob && tryOpen(key, SETTINGS, blob);
      if (settings) {
        const parsed = parseSettings(JSON.parse(fromUtf8(settings)));
        return { kind: 'ok', vault: new AppVault(store, header, key, parsed, isStaged), staged: isStaged };
      }
    }
    const isDuress = duress !== undefined && tryOpen(key, DURESS, duress) !== null;
    memzero(key);
    return isDuress ? { kind: 'duress' } : { kind: 'wrong' };
  }

  /**
   * Called once the SDK store opened with the same passphrase: a staged change
   * becomes the settings; a stage left by a change that never switched goes.
   */
  async settle(): Promise<void> {
    if (this.staged) await this.writeSettings();
    this.staged = false;
    await this.store.delete(STAGED);
  }

  /** Seals the settings under `next` beside the current ones; the current passphrase must be `current`. */
  async stageChange(current: string, next: string): Promise<PassphraseChange> {
    const check = await keyFromHeader(current, this.header);
    const right = constantTimeEqual(check, this.key);
    memzero(check);
    if (!right) return 'wrong';
    const nextKey = await keyFromHeader(next, this.header);
    const duress = await this.store.get(DURESS);
    if (duress && tryOpen(nextKey, DURESS, duress)) {
      memzero(nextKey);
      return 'same-as-duress';
    }
    await this.store.put(STAGED, this.sealSettings(nextKey));
    this.nextKey = nextKey;
    return 'ok';
  }

  /** After the SDK store switched: the settings move to the new key, which the vault keeps from now on. */
  async commitChange(): Promise<void> {
    if (!this.nextKey) throw new Error('no passphrase change staged');
    memzero(this.key);
    this.key = this.nextKey;
    this.nextKey = null;
    await this.writeSettings();
    await this.store.delete(STAGED);
  }

  /** The SDK store refused the change: nothing switched, the stage goes. */
  async abandonChange(): Promise<void> {
    if (this.nextKey) memzero(this.nextKey);
    this.nextKey = null;
    await this.store.delete(STAGED);
  }

  get settings(): Readonly<AppSettings> {
    return this.current;
  }

  async update(patch: Partial<AppSettings>): Promise<void> {
    this.current = { ...this.current, ...patch };
    await this.writeSettings();
  }

  /** Sets (or, with null, clears) the duress passphrase; refuses the passphrase itself. */
  async setDuress(passphrase: string | null): Promise<'ok' | 'same-as-passphrase'> {
    if (passphrase === null) {
      await this.store.put(DURESS, randomDuressFiller());
      await this.update({ duressSet: false });
      return 'ok';
    }
    const duressKey = await keyFromHeader(passphrase, this.header);
    try {
      if (constantTimeEqual(duressKey, this.key)) return 'same-as-passphrase';
      await this.store.put(DURESS, sealAtRest(duressKey, DURESS, DURESS_MARKER));
      await this.update({ duressSet: true });
      return 'ok';
    } finally {
      memzero(duressKey);
    }
  }

  /** Forgets the key; the vault is unusable afterwards. */
  close(): void {
    memzero(this.key);
    this.key = new Uint8Array(0);
    if (this.nextKey) memzero(this.nextKey);
    this.nextKey = null;
  }

  private sealSettings(key: Uint8Array): Uint8Array {
    return sealAtRest(key, SETTINGS, utf8(JSON.stringify(this.current)));
  }

  private async writeSettings(): Promise<void> {
    await this.store.put(SETTINGS, this.sealSettings(this.key));
  }
}

function tryOpen(key: Uint8Array, slot: string, blob: Uint8Array): Uint8Array | null {
  try {
    return openAtRest(key, slot, blob);
  } catch (err) {
    if (err instanceof AtRestError) return null;
    throw err;
  }
}

/** A real seal under a throwaway key: the same size and look as a set duress slot. */
function randomDuressFiller(): Uint8Array {
  const throwaway = randomBytes(32);
  const blob = sealAtRest(throwaway, DURESS, DURESS_MARKER);
  memzero(throwaway);
  return blob;
}
