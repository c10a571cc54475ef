/** The pipeline's first steps: who is calling (401) and whether their key may call now (429). */
import type { ClientKey } from '../front-door/auth.js';
import { refuse, type CompletionDeps, type Exchange } from './exchange.js';

/** Step: the client behind `Authorization`; refuses with 401 and returns undefined otherwise. */
export function authenticate(deps: CompletionDeps, exchange: Exchange): ClientKey | undefined {
  const client = deps.auth.authenticate(exchange.req.headers.authorization);
  if (client !== undefined) {
    exchange.client = client;
    return client;
  }
  exchange.req.resume();
  deps.metrics.refusedBy('auth').inc();
  refuse(deps, exchange, {}, 'invalid_api_key');
  return undefined;
}

/**
 * Step: the key's request rate; refuses with 429 + Retry-After and answers false when spent. A
 * promise only when a fleet's shared limiter asks Redis: the in-memory check stays synchronous.
 */
export function withinRate(deps: CompletionDeps, exchange: Exchange, client: ClientKey): boolean | Promise<boolean> {
  const waitS = deps.rateLimiter.take(client);
  if (typeof waitS === 'number') return passOrRefuse(deps, exchange, client, waitS);
  return waitS.then((wait) => passOrRefuse(deps, exchange, client, wait));
}

function passOrRefuse(deps: CompletionDeps, exchange: Exchange, client: ClientKey, waitS: number): boolean {
  if (waitS <= 0) return true;
  exchange.req.resume();
  deps.metrics.refusedBy('rate').inc();
  refuse(deps, exchange, { 'retry-after': String(waitS) }, 'key_rate_limited', {
    keyId: client.id,
    perMinute: client.requestsPerMinute,
  });
  return false;
}
