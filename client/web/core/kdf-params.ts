// Argon2id cost for a new identity. Production uses the protocol default
// (shared/crypto/passphrase-key). Only a bundle built with
// `vite build --mode e2e` (the browser tests build one into a temporary
// folder) uses libsodium's minimum, so the suite stays fast. Vite replaces
// import.meta.env.MODE with a string literal at build time: nothing at run
// time (URL, storage, console) can switch a production bundle to the minimum.
import {
  DEFAULT_PASSPHRASE_PARAMS,
  MIN_PASSPHRASE_PARAMS,
  type PassphraseKdfParams,
} from '../../../shared/crypto/passphrase-key';

export const TEST_BUILD_MODE = 'e2e';

export const kdfParamsFor = (buildMode: string): PassphraseKdfParams =>
  buildMode === TEST_BUILD_MODE ? MIN_PASSPHRASE_PARAMS : DEFAULT_PASSPHRASE_PARAMS;

export const KDF_PARAMS = kdfParamsFor(import.meta.env.MODE);
