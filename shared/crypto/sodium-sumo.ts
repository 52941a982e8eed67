// The one place that loads the sumo build of libsodium, for crypto_pwhash
// (Argon2id), which the standard build leaves out. Only the passphrase KDF
// uses it; everything else goes through ./sodium.
import sodiumSumo from 'libsodium-wrappers-sumo';

export async function sumoReady(): Promise<void> {
  await sodiumSumo.ready;
}

export { sodiumSumo };
