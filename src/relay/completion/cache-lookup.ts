/** The pipeline step that answers from the exact-match cache when it can. */
import type { ChatRequest } from '../dialects/index.js';
import { CACHE_HEADER } from '../front-door/cache.js';
import { sendBody } from '../front-door/http-io.js';
import type { CompletionDeps, Exchange } from './exchange.js';

/**
 * Step: serves a cached answer (true: done, no upstream attempt), or notes the key a fresh answer
 * is to be stored under (`exchange.cacheKey`, `exchange.cacheStatus`) and returns false.
 */
export function answeredFromCache(deps: CompletionDeps, exchange: Exchange, request: ChatRequest): boolean {
  const { cache, metrics } = deps;
  const key = cache.keyFor(request, exchange.req.headers[CACHE_HEADER], exchange.client.id);
  if (key !== undefined) {
    const hit = cache.get(key);
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
    exchange.cacheKey = key;
    exchange.cacheStatus = 'miss';
  }
  metrics.cacheBy(exchange.cacheStatus).inc();
  return false;
}
