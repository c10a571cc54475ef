/** Frozen defaults of every optional relay config field (see `types.ts` for meanings). */
import { breakerDefaults } from '../policies/circuit-breaker.js';
import { retryBudgetDefaults } from '../policies/retry-budget.js';

const deepFreeze = <T extends object>(value: T): T => {
  for (const child of Object.values(value)) if (typeof child === 'object' && child !== null) deepFreeze(child);
  return Object.freeze(value);
};

export const relayConfigDefaults = deepFreeze({
  server: {
    host: '127.0.0.1',
    port: 4000,
    maxInFlight: 1024,
    overloadRetryAfterS: 1,
    maxBodyBytes: 8 * 1024 * 1024,
    deadlineMs: 60_000,
    headersTimeoutMs: 10_000,
    bodyTimeoutMs: 30_000,
    maxUnreadBodies: 4096,
  },
  /** The legacy form keeps its historical defaults: an ephemeral port and 10 s attempts. */
  legacy: { port: 0, attemptTimeoutMs: 10_000 },
  key: { budgetPeriod: 'month', onBudgetExhausted: 'reject' },
  provider: {
    attemptTimeoutMs: 30_000,
    ttfbTimeoutMs: 10_000,
    streamIdleTimeoutMs: 15_000,
    keySelection: 'least-used',
    keyProbeAfterMs: 300_000,
    healthCheck: { path: '/models', intervalMs: 10_000, timeoutMs: 2_000 },
  },
  chainEntry: { weight: 1 },
  policies: {
    // The policies' own defaults, so the config and the engine cannot drift apart.
    breaker: { enabled: true, ...breakerDefaults },
    retry: { maxAttempts: 1, baseMs: 100, maxBackoffMs: 2_000, sameTarget: 1, maxRetryAfterWaitMs: 2_000 },
    retryBudget: { ...retryBudgetDefaults },
    hedge: { enabled: false, delayMs: 'p95', budgetRatio: 0.05, slowLoserFactor: 2 },
    cache: {
      enabled: false,
      ttlMs: 300_000,
      maxEntries: 10_000,
      maxEntryBytes: 1024 * 1024,
      optIn: 'header',
      shared: false,
    },
    cooldown: { defaultMs: 1_000, maxMs: 60_000, modelNotFoundMs: 60_000 },
    balancing: { tolerance: 0.2 },
    streams: { malformedEvent: 'fail', continueOnCut: false },
  },
  logging: { level: 'info', logPrompts: false },
  // A Redis command slower than this counts as Redis trouble: the replica falls back to local state.
  state: { redis: { keyPrefix: 'relaybench:', commandTimeoutMs: 50, cache: false } },
} as const);
