/**
 * The pipeline's last step: the chain's result as the client's answer. Served: the JSON
 * completion (cached, costed) or the SSE stream; rejected: the upstream's 4xx passed through;
 * exhausted: 503; deadline: 504; aborted: nothing (the client is gone).
 */
import type { OutgoingHttpHeaders } from 'node:http';
import type { ChainResult } from '../contract.js';
import { CACHE_HEADER } from '../front-door/cache.js';
import { sendBody } from '../front-door/http-io.js';
import { writeSseStream, type StreamEnd } from '../front-door/openai-sse.js';
import { redactBody } from '../front-door/redact.js';
import { charge, chargeUsage, countAttempts, failuresAtDeadline, logOutcome } from './accounting.js';
import { ContinuingStream } from './continue-on-cut.js';
import { refuse, type CompletionDeps, type Exchange } from './exchange.js';

type Served = Extract<ChainResult, { kind: 'served' }>;

/** Step: answers the client from the chain's result, then counts, charges and logs. */
export async function respond(deps: CompletionDeps, exchange: Exchange, result: ChainResult): Promise<void> {
  const headers: OutgoingHttpHeaders = {
    'x-request-id': exchange.requestId,
    'x-relay-attempts': String(result.attempts),
    [CACHE_HEADER]: exchange.cacheStatus,
  };
  countAttempts(deps, result);
  const { attempts, failures } = result;
  switch (result.kind) {
    case 'served':
      if (result.response.kind === 'stream') return streamed(deps, exchange, result, headers);
      return servedJson(deps, exchange, result, headers);
    case 'rejected':
      headers['x-relay-provider'] = result.target.provider;
      deps.metrics.requestsBy(exchange.modelLabel, result.status).inc();
      logOutcome(deps, exchange, result.status, attempts, result.target.name, undefined, undefined, failures);
      // An upstream may echo the key it was sent: never pass a credential on to the client.
      return sendBody(exchange.res, result.status, result.body ? redactBody(deps.redact, result.body) : '{}', headers);
    case 'exhausted':
      headers['retry-after'] = String(Math.max(1, Math.ceil(result.retryAfterMs / 1000)));
      logOutcome(deps, exchange, 503, attempts, undefined, undefined, undefined, failures);
      return refuse(deps, exchange, headers, 'all_targets_failed', { failures });
    case 'deadline':
      logOutcome(deps, exchange, 504, attempts, undefined, undefined, undefined, failures);
      return refuse(deps, exchange, headers, 'deadline_exceeded', {
        deadlineMs: deps.server.deadlineMs,
        attempts,
        failures: failuresAtDeadline(result),
      });
    case 'aborted':
      return; // the client is gone; there is nobody to answer
    default: {
      const unreachable: never = result;
      return unreachable;
    }
  }
}

/** Served by another target than the first one tried: a failover or a won hedge. */
function countFailover(deps: CompletionDeps, result: Served): void {
  if (result.target.name !== result.launched[0]) deps.metrics.failovers.inc();
}

async function streamed(
  deps: CompletionDeps,
  exchange: Exchange,
  result: Served,
  headers: OutgoingHttpHeaders,
): Promise<void> {
  const { target, response } = result;
  if (response.kind !== 'stream') return;
  headers['x-relay-provider'] = target.provider;
  headers['x-relay-model'] = response.model;
  countFailover(deps, result);
  const overheadMs = performance.now() - exchange.startedAt - response.firstByteMs;
  headers['x-relay-overhead-ms'] = overheadMs.toFixed(2);
  deps.metrics.overhead.observe(overheadMs / 1000);
  const continuing =
    exchange.continuable === undefined
      ? undefined
      : new ContinuingStream(deps, exchange, { ...result, response }, exchange.continuable);
  const end = await writeSseStream(exchange.res, continuing?.response ?? response, headers);
  deps.metrics.requestsBy(exchange.modelLabel, end.kind === 'done' ? 200 : 502).inc();
  if (continuing?.cut !== undefined) return continuedEnd(deps, exchange, result, continuing, end.kind);
  if (end.kind !== 'client_gone') deps.engine.recordStreamEnd(target, end.kind === 'done');
  const cost = charge(deps, exchange, target, response);
  logOutcome(deps, exchange, 200, result.attempts, target.name, response, cost, result.failures, end.kind);
}

/**
 * The books of a stream whose first target cut it (continued or not): the cut counts against that
 * target's breaker as any cut does; each attempt is charged at its own target's price.
 */
function continuedEnd(
  deps: CompletionDeps,
  exchange: Exchange,
  result: Served,
  continuing: ContinuingStream,
  end: StreamEnd['kind'],
): void {
  const { target } = result;
  const cut = continuing.cut!;
  deps.engine.recordStreamEnd(target, false);
  let cost = chargeUsage(deps, exchange, target, continuing.firstUsage());
  const failures = [...result.failures, { target: target.name, kind: 'stream_cut', detail: cut.message }];
  const next = continuing.continuation;
  if (next !== undefined) {
    if (end !== 'client_gone') deps.engine.recordStreamEnd(next.target, end === 'done');
    cost += chargeUsage(deps, exchange, next.target, next.response.usage());
    failures.push(...next.failures);
  }
  const served = next?.target.name ?? target.name;
  logOutcome(deps, exchange, 200, result.attempts, served, continuing.response, cost, failures, end);
}

function servedJson(deps: CompletionDeps, exchange: Exchange, result: Served, headers: OutgoingHttpHeaders): void {
  const { target, response } = result;
  if (response.kind !== 'json') return;
  const { metrics } = deps;
  headers['x-relay-provider'] = target.provider;
  headers['x-relay-model'] = response.model;
  countFailover(deps, result);
  const overheadMs = performance.now() - exchange.startedAt - response.elapsedMs;
  const cost = charge(deps, exchange, target, response);
  headers['x-relay-overhead-ms'] = overheadMs.toFixed(2);
  headers['x-relay-cost-usd'] = cost.toFixed(8);
  metrics.overhead.observe(overheadMs / 1000);
  metrics.requestsBy(exchange.modelLabel, response.status).inc();
  if (exchange.cacheKey !== undefined) {
    const { body, model, usage } = response;
    deps.cache.set(exchange.cacheKey, { body, model, usage, target: target.provider });
  }
  sendBody(exchange.res, response.status, response.body, headers);
  logOutcome(deps, exchange, response.status, result.attempts, target.name, response, cost, result.failures);
}
