/**
 * Builds the whole relay from a validated config: one chain engine (per-target breaker,
 * cooldown, latency and budget state shared by every request), one upstream pool, the targets of
 * every alias, the front-door services (auth, budgets, cache, metrics, logs) and active health
 * checks; and wires them into the completion handler. `startRelay` serves what this returns.
 */
import { createCompletionHandler, type AliasTargets } from './completion/handler.js';
import type { RelayConfig } from './config.js';
import type { ChainEngine, PolicyEvent, Readiness } from './contract.js';
import { createAuthenticator } from './front-door/auth.js';
import { BudgetLedger } from './front-door/budget.js';
import { KeyRateLimiter } from './front-door/key-rate-limit.js';
import { ResponseCache } from './front-door/cache.js';
import { createRelayLogger } from './front-door/logger.js';
import { createRelayMetrics, type RelayMetrics } from './front-door/metrics.js';
import type { FrontDoorHandler } from './front-door/router.js';
import { chainsOf, targetSpecs } from './front-door/target-specs.js';
import { HealthChecker } from './policies/health-check.js';
import { createChainEngine } from './routing/chain-engine.js';
import { prepareTargets, type RelayTarget } from './target.js';
import { createUpstreamClient } from './upstream/client.js';
import { dialedHealthFetch, type DialedHealthFetch } from './upstream/dialed-health-fetch.js';

/** What the full pipeline plugs into the front door. */
export interface RelayApp {
  readonly handleCompletion: FrontDoorHandler;
  readonly readiness: () => Readiness;
  readonly events: () => readonly PolicyEvent[];
  /** Stops health checks, flushes logs, closes upstream pools. */
  readonly onClose: () => Promise<void>;
  readonly metrics: RelayMetrics;
  readonly engine: ChainEngine;
}

export interface RelayAppOptions {
  /** Where JSON logs go (stdout by default). */
  readonly logDestination?: NodeJS.WritableStream;
}

export function createRelayApp(config: RelayConfig, options: RelayAppOptions = {}): RelayApp {
  const engine = engineFor(config.policies);
  const aliases: AliasTargets = new Map();
  for (const [alias, chain] of chainsOf(config)) aliases.set(alias, prepareTargets(targetSpecs(config, chain)));
  const connectTimeoutMs = Math.max(1000, ...config.providers.map((p) => p.attemptTimeoutMs));
  const upstream = createUpstreamClient({ connectTimeoutMs });
  const metrics = createRelayMetrics();
  engine.events.on('breaker', (event) => metrics.breakerTransitions.inc({ target: event.target, to: event.to }));

  const logger = createRelayLogger({
    ...config.logging,
    ...(options.logDestination ? { destination: options.logDestination } : {}),
  });
  const handleCompletion = createCompletionHandler({
    engine,
    upstream,
    aliases,
    server: config.server,
    auth: createAuthenticator(config.auth.keys),
    budgets: new BudgetLedger(),
    rateLimiter: new KeyRateLimiter(),
    cache: new ResponseCache(config.policies.cache),
    metrics,
    logger,
  });
  const checks = startHealthChecks(config, [...aliases.values()].flat(), engine, connectTimeoutMs);

  return {
    handleCompletion,
    readiness: () => readinessOf(aliases, engine),
    events: () => engine.recentEvents(),
    onClose: async () => {
      checks.checkers.forEach((checker) => checker.stop());
      logger.flush();
      await Promise.all([upstream.close(), ...checks.fetchers.map((fetcher) => fetcher.close())]);
    },
    metrics,
    engine,
  };
}

/** The chain engine the policies configure (a disabled breaker never trips). */
function engineFor(policies: RelayConfig['policies']): ChainEngine {
  return createChainEngine({
    breaker: policies.breaker.enabled
      ? policies.breaker
      : { ...policies.breaker, consecutiveFailures: Number.MAX_SAFE_INTEGER, minimumVolume: Number.MAX_SAFE_INTEGER },
    retry: policies.retry,
    retryBudget: policies.retryBudget,
    hedge: {
      enabled: policies.hedge.enabled,
      useP95: policies.hedge.delayMs === 'p95',
      ...(typeof policies.hedge.delayMs === 'number' ? { delayMs: policies.hedge.delayMs } : {}),
      ratio: policies.hedge.budgetRatio,
      slowLoserFactor: policies.hedge.slowLoserFactor,
    },
    select: { tolerance: policies.balancing.tolerance },
    cooldownMaxMs: policies.cooldown.maxMs,
    default429CooldownMs: policies.cooldown.defaultMs,
  });
}

/**
 * One started checker per provider with a `healthCheck`, feeding the engine's breakers. A provider
 * reached through `connectTo`/`caFile` is checked through a fetcher that dials the same way.
 */
function startHealthChecks(
  config: RelayConfig,
  allTargets: readonly RelayTarget[],
  engine: ChainEngine,
  connectTimeoutMs: number,
): { checkers: HealthChecker[]; fetchers: DialedHealthFetch[] } {
  const fetchers: DialedHealthFetch[] = [];
  const checkers = config.providers
    .filter((provider) => provider.healthCheck !== undefined)
    .map((provider) => {
      const { intervalMs, timeoutMs } = provider.healthCheck!;
      const targets = allTargets.filter((target) => target.provider === provider.name);
      const dial = targets[0]?.dial;
      const fetcher = dial === undefined ? undefined : dialedHealthFetch(dial, connectTimeoutMs);
      if (fetcher !== undefined) fetchers.push(fetcher);
      return new HealthChecker(
        targets,
        (name, healthy) => engine.recordHealth(name, healthy),
        { intervalMs, timeoutMs },
        fetcher?.fetch,
      );
    });
  checkers.forEach((checker) => checker.start());
  return { checkers, fetchers };
}

/** Ready when every alias has at least one target that may take traffic now. */
function readinessOf(aliases: AliasTargets, engine: ChainEngine): Readiness {
  const unavailable = [...aliases]
    .filter(([, targets]) => !targets.some((t) => engine.isAvailable(t)))
    .map(([alias]) => alias ?? '*');
  return unavailable.length === 0 ? { ready: true } : { ready: false, detail: { unavailable } };
}
