// Workers forbid random numbers in the global scope, and libsodium seeds
// itself when its module is evaluated. So everything that reaches libsodium
// (the app, the services, SocketSession) is imported on first use, inside a
// handler; the bundler turns this import into a lazy initialiser.
export type Runtime = typeof import('./runtime');

let loaded: Promise<Runtime> | null = null;

export function loadRuntime(): Promise<Runtime> {
  loaded ??= import('./runtime');
  return loaded;
}
