// Loaded with `node --import` into a tool a test runs (the OpenAPI linter): every
// attempt to open a connection is refused and reported on stderr, so the test can
// prove the tool stayed offline.
import net from 'node:net';

export const NETWORK_ATTEMPT = 'NETWORK_ATTEMPT';

const refuse = (what) => {
  process.stderr.write(`${NETWORK_ATTEMPT} ${what}\n`);
  throw new Error('network access is denied here');
};

net.Socket.prototype.connect = function connect() {
  refuse('socket connect');
};
globalThis.fetch = async (input) => refuse(`fetch ${String(input)}`);
