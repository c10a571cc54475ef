/**
 * `POST /v1/chat/completions`, the request pipeline:
 *   auth (401) -> body (413) -> JSON + field types (400) -> alias (404) -> budget (429 or
 *   downgrade) -> cache -> chain engine (failover, breaker, cooldown, retry, hedge, deadline)
 *   -> JSON answer or SSE stream (streaming contract) -> cost, budget, metrics, log.
 * Every error is in OpenAI's shape `{ error: { message, type, param, code } }`.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { RelayResponse } from './contract.js';
import { ChatRequestInvalid, createAttempt, validateChatRequest } from './dialects/index.js';
import { formatFailures, type ChainEngine, type ChainResult } from './fallback-chain.js';
import type { Authenticator, ClientKey } from './front-door/auth.js';
import type { BudgetLedger } from './front-door/budget.js';
import type { KeyRateLimiter } from './front-door/key-rate-limit.js';
import { CACHE_HEADER, type CacheStatus, type ResponseCache } from './front-door/cache.js';
import type { ServerConfig } from './config.js';
import { costUsd } from './front-door/cost.js';
import type { RelayLogger } from './front-door/logger.js';
import type { RelayMetrics } from './front-door/metrics.js';
import { BodyTooLargeError, readBody } from '../read-body.js';
import { sendBody, sendError } from './http-io.js';
import { writeSseStream } from './streaming/openai-sse.js';
import type { RelayTarget } from './target.js';
import type { UpstreamClient } from './upstream.js';

/** Targets per alias; the `undefined` key is the catch-all chain of a legacy config. */
export type AliasTargets = Map<string | undefined, readonly RelayTarget[]>;

export interface CompletionHandlerDeps {
  readonly engine: ChainEngine;
  readonly upstream: UpstreamClient;
  readonly aliases: AliasTargets;
  readonly server: Pick<ServerConfig, 'maxBodyBytes' | 'deadlineMs'>;
  readonly auth: Authenticator;
  readonly budgets: BudgetLedger;
  readonly rateLimiter: KeyRateLimiter;
  readonly cache: ResponseCache;
  readonly metrics: RelayMetrics;
  readonly logger: RelayLogger;
}

/** `startedAt` is `performance.now()` when the request arrived; it anchors overhead and the deadline. */
export type CompletionHandler = (req: IncomingMessage, res: ServerResponse, startedAt: number) => Promise<void>;

interface Context {
  readonly requestId: string;
  readonly startedAt: number;
  readonly client: ClientKey;
  readonly model: string;
  readonly stream: boolean;
}

export function createCompletionHandler(deps: CompletionHandlerDeps): CompletionHandler {
  const { engine, upstream, aliases, server, auth, budgets, rateLimiter, cache, metrics, logger } = deps;
  const catchAll = aliases.get(undefined);

  const fail = (
    res: ServerResponse,
    ctx: Pick<Context, 'requestId' | 'model'>,
    status: number,
    error: { message: string; type: string; code: string; param?: string },
    headers: OutgoingHttpHeaders = {},
  ): void => {
    headers['x-request-id'] = ctx.requestId;
    metrics.requests.inc({ model: ctx.model, status });
    sendError(res, status, error, headers);
  };

  return async (req, res, startedAt) => {
    const given = req.headers['x-request-id'];
    const requestId = typeof given === 'string' && given !== '' && given.length <= 200 ? given : randomUUID();
    const early = { requestId, model: '' };

    const client = auth.authenticate(req.headers.authorization);
    if (client === undefined) {
      req.resume();
      metrics.refused.inc({ reason: 'auth' });
      return fail(res, early, 401, {
        message: 'missing or unknown API key (Authorization: Bearer <key>)',
        type: 'invalid_request_error',
        code: 'invalid_api_key',
      });
    }

    const waitS = rateLimiter.take(client);
    if (waitS > 0) {
      req.resume();
      metrics.refused.inc({ reason: 'rate' });
      return fail(
        res,
        early,
        429,
        {
          message: `request rate of key '${client.id}' exceeded (${client.requestsPerMinute} per minute)`,
          type: 'rate_limit_exceeded',
          code: 'rate_limit_exceeded',
        },
        { 'retry-after': String(waitS) },
      );
    }

    let raw: Buffer;
    try {
      raw = await readBody(req, server.maxBodyBytes);
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) return void res.destroy();
      return fail(res, early, 413, {
        message: error.message,
        type: 'invalid_request_error',
        code: 'request_too_large',
      });
    }
    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch (error) {
      return fail(res, early, 400, {
        message: `invalid JSON body: ${(error as Error).message}`,
        type: 'invalid_request_error',
        code: 'invalid_json',
      });
    }
    const request = validateChatRequest(json);
    if (request instanceof ChatRequestInvalid) {
      return fail(res, early, 400, {
        message: request.message,
        type: 'invalid_request_error',
        code: 'invalid_request',
        param: request.field,
      });
    }
    const ctx: Context = { requestId, startedAt, client, model: request.model, stream: request.stream === true };

    let targets = aliases.get(request.model) ?? catchAll;
    if (targets === undefined) {
      return fail(res, ctx, 404, {
        message: `model '${request.model}' does not exist; GET /v1/models lists the models this relay serves`,
        type: 'invalid_request_error',
        code: 'model_not_found',
        param: 'model',
      });
    }
    const budget = budgets.check(client);
    if (budget.kind === 'reject') {
      metrics.refused.inc({ reason: 'budget' });
      const headers: OutgoingHttpHeaders =
        budget.retryAfterS === undefined ? {} : { 'retry-after': String(budget.retryAfterS) };
      return fail(
        res,
        ctx,
        429,
        {
          message: `budget of key '${client.id}' exhausted: spent $${budget.spentUsd.toFixed(4)} of $${budget.budgetUsd}`,
          type: 'insufficient_quota',
          code: 'budget_exhausted',
        },
        headers,
      );
    }
    if (budget.kind === 'downgrade') targets = aliases.get(budget.to) ?? targets;

    const cacheKey = cache.keyFor(request, req.headers[CACHE_HEADER], client.id);
    const cacheStatus: CacheStatus = cacheKey === undefined ? 'bypass' : 'miss';
    if (cacheKey !== undefined) {
      const hit = cache.get(cacheKey);
      if (hit !== undefined) {
        metrics.cache.inc({ result: 'hit' });
        metrics.requests.inc({ model: ctx.model, status: 200 });
        return sendBody(res, 200, hit.body, {
          'x-request-id': requestId,
          [CACHE_HEADER]: 'hit',
          'x-relay-provider': hit.target,
          'x-relay-model': hit.model,
          'x-relay-attempts': '0',
          'x-relay-cost-usd': '0',
        });
      }
    }
    metrics.cache.inc({ result: cacheStatus });

    // The client leaving aborts the attempts, so no target keeps working for nobody.
    const controller = new AbortController();
    const onClose = (): void => {
      if (!res.writableFinished) controller.abort(new DOMException('client closed the connection', 'AbortError'));
    };
    res.once('close', onClose);
    const result = await engine.run(targets, createAttempt(upstream, request, requestId), {
      signal: controller.signal,
      deadline: startedAt + server.deadlineMs,
      stream: ctx.stream,
    });
    if (result.kind !== 'served') res.removeListener('close', onClose);
    await respond(res, ctx, result, cacheKey, cacheStatus);
  };

  async function respond(
    res: ServerResponse,
    ctx: Context,
    result: ChainResult,
    cacheKey: string | undefined,
    cacheStatus: CacheStatus,
  ): Promise<void> {
    const headers: OutgoingHttpHeaders = {
      'x-request-id': ctx.requestId,
      'x-relay-attempts': String(result.attempts),
      [CACHE_HEADER]: cacheStatus,
    };
    countAttempts(result);
    switch (result.kind) {
      case 'served':
        return served(res, ctx, result, headers, cacheKey);
      case 'rejected': {
        headers['x-relay-provider'] = result.target.provider;
        metrics.requests.inc({ model: ctx.model, status: result.status });
        log(ctx, result.status, result.attempts, result.target.name, undefined, undefined, result.failures);
        return sendBody(res, result.status, result.body ?? '{}', headers);
      }
      case 'exhausted':
        headers['retry-after'] = String(Math.max(1, Math.ceil(result.retryAfterMs / 1000)));
        log(ctx, 503, result.attempts, undefined, undefined, undefined, result.failures);
        return fail(
          res,
          ctx,
          503,
          {
            message: `all targets failed: ${formatFailures(result.failures)}`,
            type: 'relay_unavailable',
            code: 'all_targets_failed',
          },
          headers,
        );
      case 'deadline':
        log(ctx, 504, result.attempts, undefined, undefined, undefined, result.failures);
        return fail(
          res,
          ctx,
          504,
          {
            message: `deadline of ${server.deadlineMs} ms exceeded after ${result.attempts} attempt(s): ${formatFailures(result.failures)}`,
            type: 'relay_timeout',
            code: 'deadline_exceeded',
          },
          headers,
        );
      case 'aborted':
        return; // the client is gone; there is nobody to answer
      default: {
        const unreachable: never = result;
        return unreachable;
      }
    }
  }

  async function served(
    res: ServerResponse,
    ctx: Context,
    result: Extract<ChainResult, { kind: 'served' }>,
    headers: OutgoingHttpHeaders,
    cacheKey: string | undefined,
  ): Promise<void> {
    const { target, response } = result;
    headers['x-relay-provider'] = target.provider;
    headers['x-relay-model'] = response.model;
    // Served by another target than the first one tried: a failover or a won hedge.
    if (target.name !== result.launched[0]) metrics.failovers.inc();
    if (response.kind === 'stream') {
      headers['x-relay-overhead-ms'] = (performance.now() - ctx.startedAt - response.firstByteMs).toFixed(2);
      const end = await writeSseStream(res, response, headers);
      if (end.kind !== 'client_gone') engine.recordStreamEnd(target, end.kind === 'done');
      const cost = charge(ctx, target, response);
      metrics.requests.inc({ model: ctx.model, status: end.kind === 'done' ? 200 : 502 });
      log(ctx, 200, result.attempts, target.name, response, cost, result.failures, end.kind);
      return;
    }
    const overheadMs = performance.now() - ctx.startedAt - response.elapsedMs;
    const cost = charge(ctx, target, response);
    headers['x-relay-overhead-ms'] = overheadMs.toFixed(2);
    headers['x-relay-cost-usd'] = cost.toFixed(8);
    metrics.overhead.observe(overheadMs / 1000);
    metrics.requests.inc({ model: ctx.model, status: response.status });
    if (cacheKey !== undefined)
      cache.set(cacheKey, {
        body: response.body,
        model: response.model,
        usage: response.usage,
        target: target.provider,
      });
    sendBody(res, response.status, response.body, headers);
    log(ctx, response.status, result.attempts, target.name, response, cost, result.failures);
  }

  /** One count per attempt sent: its failure kind, `ok` for the winner, `cancelled` for the rest (hedge losers, deadline cuts). */
  function countAttempts(result: ChainResult): void {
    // The common case, one attempt that served, without the bookkeeping below.
    if (result.kind === 'served' && result.launched.length === 1 && result.failures.length === 0) {
      metrics.attempts.inc({ target: result.target.name, outcome: 'ok' });
      return;
    }
    const unsettled = new Map<string, number>();
    for (const target of result.launched) unsettled.set(target, (unsettled.get(target) ?? 0) + 1);
    const count = (target: string, outcome: string): void => {
      const left = unsettled.get(target) ?? 0;
      if (left === 0) return; // skipped targets (cooling, breaker open) were never called
      unsettled.set(target, left - 1);
      metrics.attempts.inc({ target, outcome });
    };
    for (const failure of result.failures) count(failure.target, failure.kind);
    if (result.kind === 'served') count(result.target.name, 'ok');
    for (const [target, left] of unsettled) if (left > 0) metrics.attempts.inc({ target, outcome: 'cancelled' }, left);
  }

  function charge(ctx: Context, target: RelayTarget, response: RelayResponse): number {
    const usage = response.kind === 'json' ? response.usage : response.usage();
    const cost = costUsd(usage, target.price);
    if (cost > 0) {
      budgets.charge(ctx.client, cost);
      metrics.costUsd.inc({ model: ctx.model }, cost);
    }
    return cost;
  }

  function log(
    ctx: Context,
    status: number,
    attempts: number,
    target: string | undefined,
    response: RelayResponse | undefined,
    cost: number | undefined,
    failures: ChainResult['failures'],
    streamEnd?: string,
  ): void {
    const usage = response === undefined ? undefined : response.kind === 'json' ? response.usage : response.usage();
    logger.logRequest({
      requestId: ctx.requestId,
      client: ctx.client.id,
      model: ctx.model,
      stream: ctx.stream,
      status: streamEnd === 'cut' ? 502 : status,
      target,
      attempts,
      latencyMs: performance.now() - ctx.startedAt,
      usage,
      costUsd: cost,
      failures: failures.length > 0 ? failures : undefined,
    });
  }
}
