/**
 * `Promise.withResolvers` for Node 20. nock 15 declares `node >=22.20`: its interceptor
 * (@mswjs/interceptors 0.45) calls `Promise.withResolvers` on every intercepted connection, so on
 * Node 20 each request fails with "fetch failed" / "Promise.withResolvers is not a function".
 * Import this module before `nock`.
 */

interface WithResolvers<T> {
  promise: Promise<T>;
  resolve: (value: T | PromiseLike<T>) => void;
  reject: (reason?: unknown) => void;
}

const PromiseCtor = Promise as PromiseConstructor & { withResolvers?: <T>() => WithResolvers<T> };

if (typeof PromiseCtor.withResolvers !== 'function') {
  PromiseCtor.withResolvers = function withResolvers<T>(this: PromiseConstructor): WithResolvers<T> {
    let resolve!: WithResolvers<T>['resolve'];
    let reject!: WithResolvers<T>['reject'];
    const promise = new this<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}

export {};
