/**
 * Builds the whole relay from a validated config: one chain engine (per-target breaker,
 * cooldown, latency and budget state shared by every request), one upstream pool, the targets of
 * every alias, the front-door services (auth, budgets, cache, metrics, logs) and active health
 * checks; and wires them into the completion handler. `startRelay` serves what this returns.
 */
import { createCompletionHandler, type AliasTargets } from './completion/handler.js';
import { ATTEMPT_OPTIONS } from './completion/run-chain.js';
import type { RelayConfig } from './config.js';
import type { ChainEngine, PolicyEvent, Readiness } from './contract.js';
import { createAuthenticator } from './front-door/auth.js';
import { createKeyPoolMetrics } from './front-door/key-metrics.js';
import { createRelayLogger } from './front-door/logger.js';
import { createRelayMetrics, type RelayMetrics } from './front-door/metrics.js';
import { createRedactor, keysInHeaders } from './front-door/redact.js';
import type { FrontDoorHandler } from './front-door/router.js';
import { chainOutputLimit } from './completion/output-limit.js';
import { chainsOf, targetSpecs } from './front-door/target-specs.js';
import { createKeyPools, withKeyPools, withKeyDetail } from './key-pools.js';
import { HealthChecker } from './policies/health-check.js';
import { createChainEngine } from './routing/chain-engine.js';
import { prepareTargets, type RelayTarget } from './target.js';
import { createRelayState } from './state/relay-state.js';
import { skippedEventSink } from './streaming/malformed-events.js';
import { continuationCounter } from './streaming/continuation-metrics.js';
import { createUpstreamClient } from './upstream/client.js';
import { dialedHealthFetch, type DialedHealthFetch } from './upstream/dialed-health-fetch.js';

/** What the full pipeline plugs into the front door. */
export interface RelayApp {
  readonly handleCompletion: FrontDoorHandler;
  readonly readiness: () => Readiness;
  readonly events: () => readonly PolicyEvent[];
  /** Connects shared state (`state.redis`) before the relay listens; resolves at once without it. */
  readonly start: () => Promise<void>;
  /** Stops health checks, flushes logs, closes upstream pools and the shared-state link. */
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
  const metrics = createRelayMetrics({ collectDefaults: true });
  const logger = createRelayLogger({
    ...config.logging,
    ...(options.logDestination ? { destination: options.logDestination } : {}),
  });
  if (config.state.redis !== undefined) {
    const { url, keyPrefix, commandTimeoutMs } = config.state.redis;
    logger.logger.info({ url: redactedUrl(url), keyPrefix, commandTimeoutMs }, 'state: shared through Redis');
  }
  const state = createRelayState(config, logger.logger, metrics.registry);
  const pools = createKeyPools(config, logger, createKeyPoolMetrics(metrics.registry));
  state.attachPools(pools);
  const aliases: AliasTargets = new Map();
  const outputLimits = new Map<readonly RelayTarget[], number>();
  const continueOnCut = new Set<readonly RelayTarget[]>();
  for (const [alias, chain] of chainsOf(config)) {
    const targets = prepareTargets(withKeyPools(targetSpecs(config, chain), pools));
    aliases.set(alias, targets);
    const aliasSetting = alias === undefined ? undefined : config.models[alias]?.continueOnCut;
    if (aliasSetting ?? config.policies.streams.continueOnCut) continueOnCut.add(targets);
    const limit = chainOutputLimit(chain);
    if (limit !== undefined) outputLimits.set(targets, limit);
  }
  const connectTimeoutMs = Math.max(1000, ...config.providers.map((p) => p.attemptTimeoutMs));
  const upstream = createUpstreamClient({ connectTimeoutMs });
  engine.events.on('breaker', (event) => metrics.breakerTransitions.inc({ target: event.target, to: event.to }));
  state.attach(engine, [...aliases.values()].flat());

  const handleCompletion = createCompletionHandler({
    engine,
    upstream,
    aliases,
    server: config.server,
    auth: createAuthenticator(config.auth.keys),
    budgets: state.budgets,
    rateLimiter: state.rateLimiter,
    cache: state.cache,
    metrics,
    logger,
    attemptOptions:
      config.policies.streams.malformedEvent === 'skip'
        ? { ...ATTEMPT_OPTIONS, skipMalformed: skippedEventSink(metrics.registry, logger.logger) }
        : ATTEMPT_OPTIONS,
    outputLimits,
    continueOnCut,
    continuations: continueOnCut.size > 0 ? continuationCounter(metrics.registry) : undefined,
    modelLabels: new Set([...Object.keys(config.models), ...(config.catchAll ?? []).flatMap((e) => e.model ?? [])]),
    redact: createRedactor(knownProviderKeys(config, [...aliases.values()].flat())),
  });
  const checks = startHealthChecks(config, [...aliases.values()].flat(), engine, connectTimeoutMs);

  return {
    handleCompletion,
    readiness: () => state.readiness(withKeyDetail(readinessOf(aliases, engine), pools)),
    events: () => engine.recentEvents(),
    start: () => state.start(),
    onClose: async () => {
      checks.checkers.forEach((checker) => checker.stop());
      await state.close();
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
    modelNotFoundCooldownMs: policies.cooldown.modelNotFoundMs,
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

/**
 * Every provider key this relay may send: those in its targets' auth headers, and the values of
 * every key variable a provider names (`apiKeyEnv`, and each of `apiKeyEnvs` where a pool is configured).
 */
function knownProviderKeys(config: RelayConfig, targets: readonly RelayTarget[]): string[] {
  const keys = targets.flatMap((target) => keysInHeaders(target.headers));
  for (const provider of config.providers) {
    for (const name of [provider.apiKeyEnv, ...(provider.apiKeyEnvs ?? [])]) {
      const value = name === undefined ? undefined : process.env[name];
      if (value) keys.push(value);
    }
  }
  return keys;
}

/** The URL without any user name (a password is refused at load). */
function redactedUrl(url: string): string {
  const parsed = new URL(url);
  parsed.username = '';
  return parsed.toString();
}
