// The test hook for the Argon2id cost depends on the build mode only.
import { describe, expect, it } from 'vitest';
import { KDF_PARAMS, kdfParamsFor } from '../../../client/web/core/kdf-params';
import { DEFAULT_PASSPHRASE_PARAMS, MIN_PASSPHRASE_PARAMS } from '../../../shared/crypto/passphrase-key';

describe('web app KDF cost', () => {
  it('is the protocol default in every build but the e2e test build', () => {
    expect(kdfParamsFor('production')).toEqual(DEFAULT_PASSPHRASE_PARAMS);
    expect(kdfParamsFor('development')).toEqual(DEFAULT_PASSPHRASE_PARAMS);
    expect(kdfParamsFor('e2e')).toEqual(MIN_PASSPHRASE_PARAMS);
    // vitest's mode is "test": the default applies
    expect(KDF_PARAMS).toEqual(DEFAULT_PASSPHRASE_PARAMS);
  });
});
