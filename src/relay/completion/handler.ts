/**
 * `POST /v1/chat/completions`, the request pipeline as a list of steps, each in its own module:
 *
 *   authenticate (401) -> within the key's rate (429) -> read + parse + validate the body (413,
 *   400) -> resolve the alias, apply the budget (404, 429 or downgrade) -> the chain's output-token
 *   limit (400) -> answer from the cache
 *   -> run the chain engine (failover, breaker, cooldown, retry, hedge, deadline) -> respond:
 *   JSON or SSE stream, pass-through 4xx, 503, 504 -> count attempts, charge, log.
 *
 * A step that refuses answers the client itself (from the refusal table) and ends the pipeline.
 * Every error is in OpenAI's shape `{ error: { message, type, param, code } }`.
 */
import type { FrontDoorHandler } from '../front-door/router.js';
import { authenticate, withinRate } from './admission.js';
import { answeredFromCache } from './cache-lookup.js';
import { Exchange, requestIdOf, type CompletionDeps } from './exchange.js';
import { withinOutputLimit } from './output-limit.js';
import { readChatRequest } from './read-request.js';
import { respond } from './respond.js';
import { resolveTargets } from './route.js';
import { runChain } from './run-chain.js';

export type { AliasTargets, CompletionDeps } from './exchange.js';

/** `startedAt` is `performance.now()` when the request arrived; it anchors overhead and the deadline. */
export type CompletionHandler = FrontDoorHandler;

export function createCompletionHandler(deps: CompletionDeps): CompletionHandler {
  const { requestDuration } = deps.metrics;
  const pipeline = async (exchange: Exchange): Promise<void> => {
    const client = authenticate(deps, exchange);
    if (client === undefined) return;
    const withinKeyRate = withinRate(deps, exchange, client);
    if (withinKeyRate === false || (withinKeyRate !== true && !(await withinKeyRate))) return;
    const request = await readChatRequest(deps, exchange);
    if (request === undefined) return;
    const targets = resolveTargets(deps, exchange, request);
    if (targets === undefined || !withinOutputLimit(deps, exchange, request, targets)) return;
    if (answeredFromCache(deps, exchange, request)) return;
    const result = await runChain(deps, exchange, targets, request);
    await respond(deps, exchange, result);
  };
  return async (req, res, startedAt, admission) => {
    await pipeline(new Exchange(req, res, startedAt, requestIdOf(req), admission));
    // Every answer the pipeline gave (refusals included); the stream's last byte for a stream.
    requestDuration.observe((performance.now() - startedAt) / 1000);
  };
}
