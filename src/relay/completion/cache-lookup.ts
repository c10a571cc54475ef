/** The pipeline step that answers from the exact-match cache when it can. */
import type { ChatRequest } from '../dialects/index.js';
import { CACHE_HEADER, type CachedCompletion } from '../front-door/cache.js';
import { sendBody } from '../front-door/http-io.js';
import type { CompletionDeps, Exchange } from './exchange.js';

/**
 * Step: serves a cached answer (true: done, no upstream attempt), or notes the key a fresh answer
 * is to be stored under (`exchange.cacheKey`, `exchange.cacheStatus`) and returns false. A promise
 * only when a fleet's shared cache asks Redis after a local miss.
 */
export function answeredFromCache(
  deps: CompletionDeps,
  exchange: Exchange,
  request: ChatRequest,
): boolean | Promise<boolean> {
  const key = deps.cache.keyFor(request, exchange.req.headers[CACHE_HEADER], exchange.client.id);
  if (key === undefined) return serveOrMiss(deps, exchange, undefined, undefined);
  const hit = deps.cache.lookup(key);
  if (hit instanceof Promise) return hit.then((found) => serveOrMiss(deps, exchange, key, found));
  return serveOrMiss(deps, exchange, key, hit);
}

function serveOrMiss(
  deps: CompletionDeps,
  exchange: Exchange,
  key: string | undefined,
  hit: CachedCompletion | undefined,
): boolean {
  const { metrics } = deps;
  if (hit !== undefined) {
    metrics.cacheBy('hit').inc();
    metrics.requestsBy(exchange.modelLabel, 200).inc();
    sendBody(exchange.res, 200, hit.body, {
      'x-request-id': exchange.requestId,
      [CACHE_HEADER]: 'hit',
      'x-relay-provider': hit.target,
      'x-relay-model': hit.model,
      'x-relay-attempts': '0',
      'x-relay-cost-usd': '0',
    });
    return true;
  }
  if (key !== undefined) {
    exchange.cacheKey = key;
    exchange.cacheStatus = 'miss';
  }
  metrics.cacheBy(exchange.cacheStatus).inc();
  return false;
}
