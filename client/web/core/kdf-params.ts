// Argon2id cost for a new identity. Production uses the protocol default
// (shared/crypto/passphrase-key). Only a bundle built with
// `vite build --mode e2e` (the browser tests build one into a temporary
// folder) uses libsodium's minimum, so the suite stays fast. The mode is fixed
// at build time and the test branch is dropped from the production bundle:
// nothing at run time (URL, storage, console) can switch it on.
import { DEFAULT_PASSPHRASE_PARAMS, MIN_PASSPHRASE_PARAMS, type PassphraseKdfParams } from '../../../shared/crypto/passphrase-key';

export const KDF_PARAMS: PassphraseKdfParams = import.meta.env.MODE === 'e2e' ? MIN_PASSPHRASE_PARAMS : DEFAULT_PASSPHRASE_PARAMS;
