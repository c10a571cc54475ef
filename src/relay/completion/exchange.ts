/**
 * What the completion pipeline's steps share: the services they use ({@link CompletionDeps}) and
 * the one request on its way through ({@link Exchange}), filled in step by step.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { ServerConfig } from '../config.js';
import type { ChainEngine, RelayTarget } from '../contract.js';
import type { Admission } from '../front-door/admission.js';
import { ANONYMOUS_CLIENT, type Authenticator, type ClientKey } from '../front-door/auth.js';
import type { BudgetLedger } from '../front-door/budget.js';
import type { CacheStatus, ResponseCache } from '../front-door/cache.js';
import type { KeyRateCheck } from '../front-door/key-rate-limit.js';
import type { RelayLogger } from '../front-door/logger.js';
import type { RelayMetrics } from '../front-door/metrics.js';
import type { Redactor } from '../front-door/redact.js';
import { REFUSALS, sendRefusal, type RefusalArgs, type RefusalName } from '../front-door/refusals.js';
import type { AttemptOptions } from '../dialects/index.js';
import type { UpstreamClient } from '../upstream/client.js';

/** Targets per alias; the `undefined` key is the catch-all chain of a legacy config. */
export type AliasTargets = Map<string | undefined, readonly RelayTarget[]>;

export interface CompletionDeps {
  readonly engine: ChainEngine;
  readonly upstream: UpstreamClient;
  readonly aliases: AliasTargets;
  readonly server: Pick<ServerConfig, 'maxBodyBytes' | 'deadlineMs'>;
  readonly auth: Authenticator;
  readonly budgets: BudgetLedger;
  readonly rateLimiter: KeyRateCheck;
  readonly cache: ResponseCache;
  readonly metrics: RelayMetrics;
  readonly logger: RelayLogger;
  /** How attempts are made (e.g. the malformed-event policy); default: run-chain's `ATTEMPT_OPTIONS`. */
  readonly attemptOptions?: AttemptOptions | undefined;
  /** Scrubs credentials from upstream bodies passed to the client. */
  readonly redact: Redactor;
  /** The models metrics are labelled with (the aliases; a legacy config's configured models); any other is `unknown`. */
  readonly modelLabels: ReadonlySet<string>;
  /** Most output tokens each chain (by its targets array) can serve, where every entry declares a limit. */
  readonly outputLimits: ReadonlyMap<readonly RelayTarget[], number>;
}

/** One chat completion request in the pipeline (a class: one shape for every request). */
export class Exchange {
  /** Set by `authenticate`. */
  client: ClientKey = ANONYMOUS_CLIENT;
  /** The requested model once the body is parsed; `''` before. */
  model = '';
  /** `model` as a metrics label: a configured model, else `unknown` (a client cannot add series); `''` before parsing. */
  modelLabel = '';
  stream = false;
  /** Set by `lookUpCache`: where a served JSON answer is stored, if anywhere. */
  cacheKey: string | undefined = undefined;
  cacheStatus: CacheStatus = 'bypass';

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    /** `performance.now()` at arrival: anchors overhead and the deadline. */
    readonly startedAt: number,
    readonly requestId: string,
    /** The request's bulkhead place; undefined when the relay is unbounded. */
    readonly admission: Admission | undefined = undefined,
  ) {}
}

/** The client's `x-request-id` when it is usable, else a new one. */
export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && given !== '' && given.length <= 200 ? given : randomUUID();
}

/** Answers a refusal from the table, with the request id, and counts it by model and status. */
export function refuse<N extends RefusalName>(
  deps: CompletionDeps,
  exchange: Exchange,
  headers: OutgoingHttpHeaders,
  name: N,
  ...args: RefusalArgs<N>
): void {
  headers['x-request-id'] = exchange.requestId;
  deps.metrics.requestsBy(exchange.modelLabel, REFUSALS[name].status).inc();
  sendRefusal(exchange.res, headers, name, ...args);
}
