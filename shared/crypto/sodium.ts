// The one place that loads libsodium. Everything else in shared/crypto and
// shared/protocol calls `sodium` only after `cryptoReady()` has resolved.
import sodium from 'libsodium-wrappers';

export async function cryptoReady(): Promise<void> {
  await sodium.ready;
}

export { sodium };
