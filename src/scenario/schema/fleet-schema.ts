/**
 * The fleet fields of a `builtin` target: several replicas of our relay, optionally sharing their
 * state (breakers, cooldowns, key rates, budgets, cache) through one Redis.
 *
 * ```yaml
 * target:
 *   kind: builtin
 *   replicas: 3                  # relay processes; default 1
 *   state: redis                 # memory (default: each replica on its own) or redis (shared)
 *   redis: { url: redis://127.0.0.1:6379, key_prefix: rb, command_timeout: 50ms }   # optional
 *   spread: round_robin          # how the load spreads requests over replicas: round_robin (default) or random
 *   budgets: { team-a: 0.02 }    # USD budget per client key of load.mix.keys (the relay enforces it)
 * ```
 *
 * Without `redis.url` the harness starts `redis-server` from PATH on a loopback port, with no
 * persistence, and stops it with the run. Either way the relays reach Redis through a fault-plane
 * proxy, so faults can name `target: redis`.
 */
import { z } from 'zod';
import { SPREADS } from '../../load/replica-spread.js';
import { duration } from './units.js';

export const MAX_REPLICAS = 16;

export const redisSchema = z.strictObject({
  /** An existing Redis (`redis://host:port[/db]`); without it the harness starts one. */
  url: z
    .string()
    .regex(/^redis:\/\/[^\s]+$/, 'expected a Redis URL such as redis://127.0.0.1:6379 (plain redis://)')
    .refine(
      (url) => !/^redis:\/\/[^/@]*:[^/@]*@/.test(url),
      'the URL carries a password; name its variable with password_env',
    )
    .optional(),
  /** The environment variable holding the Redis password (never in the URL). */
  password_env: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name such as REDIS_PASSWORD')
    .optional(),
  /** Prefix of every key the relays write; default `relaybench:<run id>:` so runs never share state. */
  key_prefix: z
    .string()
    .regex(/^[A-Za-z0-9:_.-]{1,64}$/, 'expected 1-64 letters, digits, ":", "_", "." or "-"')
    .optional(),
  /** How long a replica waits on a Redis command before it falls back to local state. */
  command_timeout: duration().optional(),
});

export const replicasSchema = z
  .number({ error: `expected an integer from 1 to ${MAX_REPLICAS}` })
  .int(`expected an integer from 1 to ${MAX_REPLICAS}`)
  .min(1, `expected an integer from 1 to ${MAX_REPLICAS}`)
  .max(MAX_REPLICAS, `expected an integer from 1 to ${MAX_REPLICAS} (this box runs every replica itself)`);

export const stateSchema = z.enum(['memory', 'redis'], {
  error: (issue) => `expected memory or redis, got ${JSON.stringify(issue.input)}`,
});

export const spreadSchema = z.enum(SPREADS, {
  error: (issue) => `expected ${SPREADS.join(' or ')}, got ${JSON.stringify(issue.input)}`,
});

/** USD budget per client key name (from `load.mix.keys`). */
export const budgetsSchema = z.record(
  z.string(),
  z
    .number({ error: 'expected a number of US dollars such as 0.05' })
    .positive('expected a positive number of US dollars'),
);

export type RedisSpec = z.output<typeof redisSchema>;

/** The fleet fields, checked against each other; `issue(path, message)` reports a problem. */
export function checkFleet(
  t: { replicas?: number | undefined; state?: string | undefined; redis?: RedisSpec | undefined },
  issue: (path: string[], message: string) => void,
): void {
  if (t.redis !== undefined && t.state !== 'redis')
    issue(['redis'], `only with state: redis (state is ${t.state ?? 'memory'}: each replica keeps its own state)`);
}
