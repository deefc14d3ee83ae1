// The part of node:async_hooks Weft uses (workerd provides it with nodejs_compat). The Workers
// types do not declare Node modules, and @types/node's globals would clash with the runtime's.
declare module "node:async_hooks" {
  export class AsyncLocalStorage<T> {
    getStore(): T | undefined;
    run<R>(store: T, callback: () => R): R;
  }
}
