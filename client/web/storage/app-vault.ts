// The web app's own local data (settings, drafts) and the duress check, sealed
// with a key derived from the passphrase (shared/crypto/passphrase-key). One
// Argon2id derivation of what was typed at unlock tells all three cases apart:
// it opens the settings (the passphrase), the duress slot (the duress
// passphrase), or neither. The duress slot always holds a blob of the same
// size, random until a duress passphrase is set, so its presence says nothing.
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
const DURESS_MARKER = new Uint8Array(16);

export type VaultOpening = { kind: 'ok'; vault: AppVault } | { kind: 'duress' } | { kind: 'wrong' };

export class AppVault {
  private constructor(
    private readonly store: ByteStore,
    private readonly header: PassphraseHeader,
    private key: Uint8Array,
    private current: AppSettings,
  ) {}

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
    const vault = new AppVault(store, header, key, { ...DEFAULT_SETTINGS, ...settings });
    await store.put(HEADER, utf8(JSON.stringify(header)));
    await vault.writeSettings();
    await store.put(DURESS, randomDuressFiller());
    return vault;
  }

  static async open(store: ByteStore, passphrase: string): Promise<VaultOpening> {
    const [rawHeader, sealedSettings, duress] = await Promise.all([
      store.get(HEADER),
      store.get(SETTINGS),
      store.get(DURESS),
    ]);
    if (!rawHeader || !sealedSettings) return { kind: 'wrong' };
    const header = JSON.parse(fromUtf8(rawHeader)) as PassphraseHeader;
    const key = await keyFromHeader(passphrase, header);
    const settings = tryOpen(key, SETTINGS, sealedSettings);
    if (settings)
      return { kind: 'ok', vault: new AppVault(store, header, key, parseSettings(JSON.parse(fromUtf8(settings)))) };
    const isDuress = duress !== undefined && tryOpen(key, DURESS, duress) !== null;
    memzero(key);
    return isDuress ? { kind: 'duress' } : { kind: 'wrong' };
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
      return 'ok';
    }
    const duressKey = await keyFromHeader(passphrase, this.header);
    try {
      if (constantTimeEqual(duressKey, this.key)) return 'same-as-passphrase';
      await this.store.put(DURESS, sealAtRest(duressKey, DURESS, DURESS_MARKER));
      return 'ok';
    } finally {
      memzero(duressKey);
    }
  }

  /** Forgets the key; the vault is unusable afterwards. */
  close(): void {
    memzero(this.key);
    this.key = new Uint8Array(0);
  }

  private async writeSettings(): Promise<void> {
    await this.store.put(SETTINGS, sealAtRest(this.key, SETTINGS, utf8(JSON.stringify(this.current))));
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
