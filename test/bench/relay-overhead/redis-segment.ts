/**
 * The Redis row: what does fleet state in Redis (`state.redis`) cost per request? Two relays of
 * their own before one zero-latency mock upstream, identical but for `state.redis`: one keeps
 * state in memory, the other in a redis-server this row starts (skipped with a note when none is
 * installed). Every request carries a client key with a request rate and a USD budget (neither
 * ever reached), so the Redis relay takes from its leased share of the key rate and queues the
 * budget charge for its next coalesced flush: the whole shared-state hot path. The two are loaded alternately in
 * the open model at the bench's rate; the row gives medians over the rounds and the difference.
 * Target: p50 overhead at most +0.3 ms at 1,000 req/s.
 */
import { hashToken } from '../../../src/relay/front-door/auth.js';
import { runOpenModel } from '../../../src/load/open-model.js';
import { createHistogram, recordMicros, summarize } from '../../../src/metrics/histogram.js';
import { latencyMicros } from '../../../src/metrics/record.js';
import { startService, type RunningService } from '../../../src/scenario/fixture/services.js';
import { redisServerPath, startTestRedis, type TestRedis } from '../../support/redis.js';
import { withSegmentSignal } from './segment.js';

export interface RedisRowPlan {
  readonly rate: number;
  readonly seconds: number;
  readonly rounds: number;
}

interface Sample {
  readonly p50Us: number;
  readonly p99Us: number;
  readonly failed: number;
}

export type RedisRowFigures =
  | { readonly kind: 'skipped'; readonly why: string }
  | { readonly kind: 'measured'; readonly plan: RedisRowPlan; readonly memory: Sample[]; readonly redis: Sample[] };

const TOKEN = 'bench-token';

/** Starts redis-server, the upstream and both relays, alternates the load, stops them all. */
export async function redisSegment(signal: AbortSignal, plan: RedisRowPlan): Promise<RedisRowFigures> {
  if (redisServerPath() === undefined) return { kind: 'skipped', why: 'no redis-server installed' };
  const started: RunningService[] = [];
  let redis: TestRedis | undefined;
  try {
    redis = await startTestRedis();
    const upstream = await startService('redis-row upstream', ['mock', '--name', 'upstream', '--latency-ms', '0']);
    started.push(upstream);
    const relays = {
      memory: await startRelay(started, upstream.url, undefined),
      redis: await startRelay(started, upstream.url, redis.url),
    };
    const figures = { memory: [] as Sample[], redis: [] as Sample[] };
    for (const which of ['memory', 'redis'] as const) await load(signal, relays[which], plan.rate, 2); // warm-up
    for (let round = 0; round < plan.rounds && !signal.aborted; round++) {
      const order = round % 2 === 0 ? (['memory', 'redis'] as const) : (['redis', 'memory'] as const);
      for (const which of order) figures[which].push(await load(signal, relays[which], plan.rate, plan.seconds));
    }
    return { kind: 'measured', plan, ...figures };
  } finally {
    for (const service of started.reverse()) await service.stop();
    await redis?.stop();
  }
}

async function startRelay(started: RunningService[], upstreamUrl: string, redisUrl: string | undefined) {
  const config = {
    server: { host: '127.0.0.1', port: 0 },
    auth: {
      keys: [{ id: 'bench', sha256: hashToken(TOKEN), requestsPerMinute: 100_000_000, budgetUsd: 1_000_000_000 }],
    },
    providers: [{ name: 'upstream', dialect: 'openai', baseUrl: `${upstreamUrl}/v1` }],
    models: {
      'gpt-4.1-mini': { chain: [{ provider: 'upstream', model: 'gpt-4.1-mini', price: { input: 1, output: 1 } }] },
    },
    logging: { level: 'warn' },
    ...(redisUrl === undefined ? {} : { state: { redis: { url: redisUrl, keyPrefix: 'bench:' } } }),
  };
  const name = redisUrl === undefined ? 'memory relay' : 'redis relay';
  const relay = await startService(name, ['relay', '--config-json', JSON.stringify(config)]);
  started.push(relay);
  if (new URL(relay.url).hostname !== '127.0.0.1') throw new Error(`${name} not on loopback: ${relay.url}`);
  return relay.url;
}

async function load(signal: AbortSignal, url: string, rate: number, seconds: number): Promise<Sample> {
  const histogram = createHistogram();
  let failed = 0;
  await withSegmentSignal(signal, (segment) =>
    runOpenModel({
      baseUrl: url,
      ratePerSecond: rate,
      durationMs: seconds * 1000,
      timeoutMs: 5000,
      maxInFlight: 2000,
      mix: { models: 'gpt-4.1-mini', maxTokens: 16, keys: [{ name: 'bench', token: TOKEN }] },
      signal: segment,
      onRecord: (record) => {
        if (record.outcome === 'ok') recordMicros(histogram, latencyMicros(record));
        else failed++;
      },
    }),
  );
  const { p50Us, p99Us } = summarize(histogram);
  return { p50Us, p99Us, failed };
}

/** The row as Markdown: medians [min - max] of each relay, and the Redis relay's difference. */
export function renderRedisRow(f: RedisRowFigures): string {
  const heading = '## Fleet state in Redis vs in memory';
  if (f.kind === 'skipped') return `${heading}\n\nSkipped: ${f.why} (install redis-server or set REDIS_SERVER_PATH).\n`;
  const ms = (us: number): string => `${(us / 1000).toFixed(3)} ms`;
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
  const cell = (samples: Sample[], pick: (s: Sample) => number): string => {
    const xs = samples.map(pick);
    return `${ms(median(xs))} [${ms(Math.min(...xs))} - ${ms(Math.max(...xs))}]`;
  };
  const delta = (pick: (s: Sample) => number): string => {
    const diffs = f.memory.map((m, i) => pick(f.redis[i]!) - pick(m));
    const d = median(diffs);
    return `${d >= 0 ? '+' : ''}${ms(d)}`;
  };
  const failed = (samples: Sample[]): number => samples.reduce((sum, s) => sum + s.failed, 0);
  const { rate, seconds, rounds } = f.plan;
  return [
    heading,
    '',
    `Two relays before one 0 ms upstream, identical but for \`state.redis\` (a local redis-server); every request carries a ` +
      `key with a request rate (leased from the shared bucket, 10 ms of the rate at a time) and a budget (charges ` +
      `coalesced into one pipeline every 5 ms at most). Open model, ${rate} req/s ` +
      `for ${seconds} s per relay and round, ${rounds} round(s) alternated. Target: p50 difference at most +0.3 ms.`,
    '',
    '| state | p50 | p99 | failed |',
    '|---|---:|---:|---:|',
    `| memory | ${cell(f.memory, (s) => s.p50Us)} | ${cell(f.memory, (s) => s.p99Us)} | ${failed(f.memory)} |`,
    `| redis | ${cell(f.redis, (s) => s.p50Us)} | ${cell(f.redis, (s) => s.p99Us)} | ${failed(f.redis)} |`,
    `| difference (median of per-round differences) | ${delta((s) => s.p50Us)} | ${delta((s) => s.p99Us)} | |`,
    '',
  ].join('\n');
}
