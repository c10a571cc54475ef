/**
 * The relay config file's zod schemas, as written by users (before normalisation): the full form
 * and the legacy skeleton form. Defaults come from the frozen `relayConfigDefaults`.
 */
import { MALFORMED_EVENT_POLICIES } from '../streaming/malformed-events.js';
import { PREFILL_MODES } from '../dialects/prefill.js';
import { z } from 'zod';
import { relayConfigDefaults as D } from './defaults.js';
import { isDialAddress } from './dial-fields.js';
import { isRedisUrl, redisUrlHasPassword } from './redis-url.js';
import { KEY_SELECTIONS, MAX_POOL_KEYS } from '../policies/key-pool.js';

const NAME = /^[A-Za-z0-9._:-]+$/;
const name = () => z.string().regex(NAME, 'expected letters, digits, ".", "_", ":" or "-"');
const int = (min: number, max: number) => z.number().int().min(min).max(max);
const ms = (min: number, max = 3_600_000) => int(min, max);
const ratio = () => z.number().min(0).max(1);
const envName = () =>
  z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name such as OPENAI_API_KEY');
const httpUrl = () => z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' });

const serverSchema = z.strictObject({
  host: z.string().min(1).default(D.server.host),
  port: int(0, 65_535).default(D.server.port),
  maxInFlight: int(1, 1_000_000).default(D.server.maxInFlight),
  overloadRetryAfterS: int(0, 3600).default(D.server.overloadRetryAfterS),
  maxBodyBytes: int(1024, 1024 * 1024 * 1024).default(D.server.maxBodyBytes),
  deadlineMs: ms(1).default(D.server.deadlineMs),
  headersTimeoutMs: ms(100, 600_000).default(D.server.headersTimeoutMs),
  bodyTimeoutMs: ms(100, 600_000).default(D.server.bodyTimeoutMs),
  maxUnreadBodies: int(1, 1_000_000).default(D.server.maxUnreadBodies),
});

const keySchema = z.strictObject({
  id: name(),
  // The token's hash only: a wrong value is never echoed (it may be the token itself).
  sha256: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'expected 64 hex characters: the sha256 of the bearer token, not the token')
    .transform((hex) => hex.toLowerCase()),
  budgetUsd: z.number().min(0).optional(),
  budgetPeriod: z.enum(['day', 'month', 'total']).default(D.key.budgetPeriod),
  onBudgetExhausted: z.enum(['reject', 'downgrade']).default(D.key.onBudgetExhausted),
  downgradeTo: z.string().min(1).optional(),
  requestsPerMinute: z.number().positive().optional(),
});

const adminKeySchema = z.strictObject({ id: name(), sha256: keySchema.shape.sha256 });

const healthCheckSchema = z.strictObject({
  path: z.string().startsWith('/', 'expected a path starting with "/"').default(D.provider.healthCheck.path),
  intervalMs: ms(100).default(D.provider.healthCheck.intervalMs),
  timeoutMs: ms(1).default(D.provider.healthCheck.timeoutMs),
});

const providerSchema = z.strictObject({
  name: name(),
  dialect: z.enum(['openai', 'anthropic', 'gemini']),
  baseUrl: httpUrl(),
  apiKeyEnv: envName().optional(),
  apiKeyEnvs: z.array(envName()).min(1).max(MAX_POOL_KEYS).optional(),
  keySelection: z.enum(KEY_SELECTIONS).default(D.provider.keySelection),
  keyProbeAfterMs: ms(0, 86_400_000).default(D.provider.keyProbeAfterMs),
  attemptTimeoutMs: ms(1, 600_000).default(D.provider.attemptTimeoutMs),
  ttfbTimeoutMs: ms(1, 600_000).default(D.provider.ttfbTimeoutMs),
  streamIdleTimeoutMs: ms(1, 600_000).default(D.provider.streamIdleTimeoutMs),
  healthCheck: healthCheckSchema.optional(),
  connectTo: z
    .string()
    .refine(isDialAddress, 'expected host:port to open the socket to (a fault-plane proxy), e.g. 127.0.0.1:26001')
    .optional(),
  caFile: z.string().min(1, 'expected the path of a PEM CA file').optional(),
  prefill: z.enum(PREFILL_MODES).optional(),
});

const chainEntrySchema = z.strictObject({
  provider: name(),
  model: z.string().min(1),
  name: z
    .string()
    .regex(/^[A-Za-z0-9._:/@-]+$/, 'expected letters, digits, ".", "_", ":", "/", "@" or "-"')
    .optional(),
  weight: z.number().positive().max(1_000_000).default(D.chainEntry.weight),
  priority: int(0, 1_000).optional(),
  price: z.strictObject({ input: z.number().min(0), output: z.number().min(0) }).optional(),
  maxOutputTokens: int(1, 100_000_000).optional(),
  contextWindow: int(1, 1_000_000_000).optional(),
});

const aliasSchema = z.strictObject({
  chain: z.array(chainEntrySchema).min(1),
  continueOnCut: z.boolean().optional(),
});

const policiesSchema = z.strictObject({
  breaker: z
    .strictObject({
      enabled: z.boolean().default(D.policies.breaker.enabled),
      consecutiveFailures: int(1, 10_000).default(D.policies.breaker.consecutiveFailures),
      failureRate: z.number().gt(0).max(1).default(D.policies.breaker.failureRate),
      minimumVolume: int(1, 1_000_000).default(D.policies.breaker.minimumVolume),
      windowMs: ms(100).default(D.policies.breaker.windowMs),
      openMs: ms(1).default(D.policies.breaker.openMs),
      halfOpenProbes: int(1, 1_000).default(D.policies.breaker.halfOpenProbes),
      halfOpenSuccesses: int(1, 1_000).default(D.policies.breaker.halfOpenSuccesses),
      rampMs: ms(0).default(D.policies.breaker.rampMs),
      rampStartShare: z.number().gt(0).max(1).default(D.policies.breaker.rampStartShare),
    })
    .prefault({}),
  retry: z
    .strictObject({
      maxAttempts: int(1, 10).default(D.policies.retry.maxAttempts),
      baseMs: ms(0, 60_000).default(D.policies.retry.baseMs),
      maxBackoffMs: ms(0, 600_000).default(D.policies.retry.maxBackoffMs),
      sameTarget: int(0, 5).default(D.policies.retry.sameTarget),
      maxRetryAfterWaitMs: ms(0, 600_000).default(D.policies.retry.maxRetryAfterWaitMs),
    })
    .prefault({}),
  retryBudget: z
    .strictObject({
      ratio: z.number().min(0).max(10).default(D.policies.retryBudget.ratio),
      minPerSecond: z.number().min(0).max(1_000_000).default(D.policies.retryBudget.minPerSecond),
      windowMs: ms(100).default(D.policies.retryBudget.windowMs),
    })
    .prefault({}),
  hedge: z
    .strictObject({
      enabled: z.boolean().default(D.policies.hedge.enabled),
      delayMs: z
        .union([ms(0, 600_000), z.literal('p95')], { error: 'expected a number of milliseconds or "p95"' })
        .default(D.policies.hedge.delayMs),
      budgetRatio: ratio().default(D.policies.hedge.budgetRatio),
      slowLoserFactor: z.number().min(1).max(1_000).default(D.policies.hedge.slowLoserFactor),
    })
    .prefault({}),
  cache: z
    .strictObject({
      enabled: z.boolean().default(D.policies.cache.enabled),
      ttlMs: ms(1, 30 * 86_400_000).default(D.policies.cache.ttlMs),
      maxEntries: int(1, 10_000_000).default(D.policies.cache.maxEntries),
      maxEntryBytes: int(1, 256 * 1024 * 1024).default(D.policies.cache.maxEntryBytes),
      optIn: z.enum(['none', 'header', 'all']).default(D.policies.cache.optIn),
      shared: z.boolean().default(D.policies.cache.shared),
    })
    .prefault({}),
  cooldown: z
    .strictObject({
      defaultMs: ms(0).default(D.policies.cooldown.defaultMs),
      maxMs: ms(0, 86_400_000).default(D.policies.cooldown.maxMs),
      modelNotFoundMs: ms(0, 86_400_000).default(D.policies.cooldown.modelNotFoundMs),
    })
    .prefault({}),
  balancing: z
    .strictObject({
      tolerance: z.number().min(0).max(10).default(D.policies.balancing.tolerance),
    })
    .prefault({}),
  streams: z
    .strictObject({
      malformedEvent: z.enum(MALFORMED_EVENT_POLICIES).default(D.policies.streams.malformedEvent),
      continueOnCut: z.boolean().default(D.policies.streams.continueOnCut),
    })
    .prefault({}),
});

/** `redis://` or `rediss://`, credentials only through `passwordEnv` (the file never holds a secret). */
const redisUrl = () =>
  z
    .string()
    .refine(isRedisUrl, 'expected a redis:// or rediss:// URL such as redis://127.0.0.1:6379/0')
    .refine((text) => !redisUrlHasPassword(text), 'the URL carries a password; name its variable with passwordEnv');

const stateSchema = z.strictObject({
  redis: z
    .strictObject({
      url: redisUrl(),
      keyPrefix: z
        .string()
        .regex(/^[A-Za-z0-9._:{}-]{1,64}$/, 'expected 1-64 letters, digits, ".", "_", ":", "{", "}" or "-"')
        .default(D.state.redis.keyPrefix),
      commandTimeoutMs: ms(1, 60_000).default(D.state.redis.commandTimeoutMs),
      passwordEnv: envName().optional(),
      cache: z.boolean().default(D.state.redis.cache),
    })
    .optional(),
});

/** The full form. */
export const fullConfigSchema = z.strictObject({
  server: serverSchema.prefault({}),
  auth: z
    .strictObject({ keys: z.array(keySchema).default([]), adminKeys: z.array(adminKeySchema).default([]) })
    .prefault({}),
  providers: z.array(providerSchema).min(1),
  models: z
    .record(
      z.string().regex(/^[A-Za-z0-9._:/@-]+$/, 'expected an alias of letters, digits, ".", "_", ":", "/", "@" or "-"'),
      aliasSchema,
    )
    .refine((models) => Object.keys(models).length > 0, 'expected at least one alias'),
  policies: policiesSchema.prefault({}),
  logging: z
    .strictObject({
      level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default(D.logging.level),
      logPrompts: z.boolean().default(D.logging.logPrompts),
    })
    .prefault({}),
  state: stateSchema.prefault({}),
});

/** The legacy skeleton form `{ host, port, attemptTimeoutMs, targets }`. */
export const legacyConfigSchema = z.strictObject({
  host: z.string().min(1).default(D.server.host),
  port: int(0, 65_535).default(D.legacy.port),
  attemptTimeoutMs: ms(1, 600_000).default(D.legacy.attemptTimeoutMs),
  targets: z
    .array(
      z.strictObject({
        name: name(),
        baseUrl: httpUrl(),
        model: z.string().min(1).optional(),
        apiKeyEnv: envName().optional(),
      }),
    )
    .min(1),
  // The harness generates this form; a fleet's replicas share state through it.
  state: stateSchema.prefault({}),
});

export type FullConfigInput = z.output<typeof fullConfigSchema>;
export type LegacyConfigInput = z.output<typeof legacyConfigSchema>;
