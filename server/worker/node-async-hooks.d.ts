// The one Node API the Worker uses (the nodejs_compat flag provides it);
// declared here so the worker build does not pull in all of @types/node.
declare module 'node:async_hooks' {
  export class AsyncLocalStorage<T> {
    getStore(): T | undefined;
    run<R>(store: T, callback: () => R): R;
  }
}
