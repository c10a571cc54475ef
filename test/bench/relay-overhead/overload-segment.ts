/**
 * The overload row: how fast does the relay shed load it has no room for? A relay of its own
 * (`maxInFlight` slots) in front of a mock upstream that answers after a fixed latency has a
 * capacity of slots / latency; the open model sends three times that. The excess must get 503 +
 * Retry-After at once (target: p99 under 10 ms from the intended start), while the admitted
 * requests are served at the upstream's latency. Both processes are separate from the main
 * bench's, listen on 127.0.0.1 only and are stopped when the row is done.
 */
import { runOpenModel } from '../../../src/load/open-model.js';
import { createHistogram, recordMicros, summarize } from '../../../src/metrics/histogram.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { latencyMicros, serviceMicros, type RequestRecord } from '../../../src/metrics/record.js';
import { startService, type RunningService } from '../../../src/scenario/fixture/services.js';
import { withSegmentSignal } from './segment.js';

/** The overload relay's shape: its slots, the upstream's latency, and the load as a multiple of capacity. */
export interface OverloadPlan {
  readonly maxInFlight: number;
  readonly upstreamLatencyMs: number;
  readonly loadFactor: number;
  readonly seconds: number;
  /**
   * Unmeasured load first, at the same rate: a relay process just started compiles its hot paths
   * under the first requests (measured: nearly all the 503s over 10 ms came in the first 750 ms,
   * p99 300-390 ms cold vs a few ms warm), and a bench of shedding measures a running relay.
   */
  readonly warmupS: number;
}

export const OVERLOAD_PLAN: OverloadPlan = Object.freeze({
  maxInFlight: 10,
  upstreamLatencyMs: 50,
  loadFactor: 3,
  seconds: 5,
  warmupS: 2,
});

export interface OverloadFigures {
  readonly plan: OverloadPlan;
  /** Requests per second the relay can serve (slots / latency). */
  readonly capacityPerS: number;
  readonly ratePerS: number;
  readonly served: number;
  readonly shed: number;
  /** Anything else: timeouts, resets, other statuses, generator drops. */
  readonly other: number;
  readonly shedP50Us: number;
  readonly shedP99Us: number;
  /** Share of the 503s answered within 10 ms of their intended start. */
  readonly shedWithin10ms: number;
  readonly servedP50Us: number;
  readonly servedP99Us: number;
  /** The 503s' p99 from the actual send (without the generator's own lag). */
  readonly shedServiceP99Us: number;
  /** The generator's p99 lag behind its schedule: above a few ms, the figures measure the client too. */
  readonly lagP99Ms: number;
}

/** Starts the overload relay and its upstream, loads them at `loadFactor` x capacity, stops them. */
export async function overloadSegment(
  signal: AbortSignal,
  plan: OverloadPlan = OVERLOAD_PLAN,
): Promise<OverloadFigures> {
  const started: RunningService[] = [];
  try {
    const upstream = await startService('overload upstream', [
      'mock',
      '--name',
      'slow',
      '--latency-ms',
      String(plan.upstreamLatencyMs),
    ]);
    started.push(upstream);
    const relay = await startService('overload relay', [
      'relay',
      '--config-json',
      JSON.stringify(relayConfig(plan, upstream.url)),
    ]);
    started.push(relay);
    if (new URL(relay.url).hostname !== '127.0.0.1') throw new Error(`overload relay not on loopback: ${relay.url}`);
    return await measure(signal, plan, relay.url);
  } finally {
    for (const service of started.reverse()) await service.stop();
  }
}

function relayConfig(plan: OverloadPlan, upstreamUrl: string): Record<string, unknown> {
  return {
    server: { host: '127.0.0.1', port: 0, maxInFlight: plan.maxInFlight, overloadRetryAfterS: 1 },
    providers: [{ name: 'slow', dialect: 'openai', baseUrl: `${upstreamUrl}/v1` }],
    models: { 'gpt-4.1-mini': { chain: [{ provider: 'slow', model: 'gpt-4.1-mini' }] } },
    logging: { level: 'warn' },
  };
}

async function measure(signal: AbortSignal, plan: OverloadPlan, url: string): Promise<OverloadFigures> {
  const capacityPerS = (plan.maxInFlight * 1000) / plan.upstreamLatencyMs;
  const ratePerS = capacityPerS * plan.loadFactor;
  const shed = createHistogram();
  const shedService = createHistogram();
  const served = createHistogram();
  let other = 0;
  let shedFast = 0;
  const load = (seconds: number, onRecord: (record: RequestRecord) => void) =>
    withSegmentSignal(signal, (segment) =>
      runOpenModel({
        baseUrl: url,
        ratePerSecond: ratePerS,
        durationMs: seconds * 1000,
        timeoutMs: 10_000,
        maxInFlight: 4000,
        model: 'gpt-4.1-mini',
        maxTokens: 16,
        signal: segment,
        onRecord,
      }),
    );
  if (plan.warmupS > 0) await load(plan.warmupS, () => undefined);
  await sleep(plan.upstreamLatencyMs * 4); // the warm-up's last admitted requests finish first
  const run = await load(plan.seconds, (record) => {
    const micros = latencyMicros(record);
    if (record.outcome === 'ok') recordMicros(served, micros);
    else if (record.status === 503) {
      recordMicros(shed, micros);
      recordMicros(shedService, serviceMicros(record));
      if (micros < 10_000) shedFast++;
    } else other++;
  });
  const shedSummary = summarize(shed);
  const servedSummary = summarize(served);
  return {
    plan,
    capacityPerS,
    ratePerS,
    served: servedSummary.count,
    shed: shedSummary.count,
    other,
    shedP50Us: shedSummary.p50Us,
    shedP99Us: shedSummary.p99Us,
    shedWithin10ms: shedSummary.count > 0 ? shedFast / shedSummary.count : NaN,
    servedP50Us: servedSummary.p50Us,
    servedP99Us: servedSummary.p99Us,
    shedServiceP99Us: summarize(shedService).p99Us,
    lagP99Ms: run.scheduleLagP99Ms,
  };
}

/** The row as Markdown: a heading, the plan, and one table row. */
export function renderOverload(f: OverloadFigures): string {
  const ms = (us: number): string => (Number.isFinite(us) ? `${(us / 1000).toFixed(2)} ms` : 'n/a');
  const share = Number.isFinite(f.shedWithin10ms) ? `${(f.shedWithin10ms * 100).toFixed(1)}%` : 'n/a';
  const { maxInFlight, upstreamLatencyMs, loadFactor, seconds } = f.plan;
  return [
    `## Overload: ${loadFactor}x capacity`,
    '',
    `Relay with maxInFlight ${maxInFlight} before a ${upstreamLatencyMs} ms upstream: capacity ${Math.round(f.capacityPerS)}/s, ` +
      `loaded at ${Math.round(f.ratePerS)}/s for ${seconds} s after ${f.plan.warmupS} s unmeasured at that rate (open model; latency from the intended start). Target: shed p99 < 10 ms.`,
    '',
    '| served | shed (503) | other | shed p50 | shed p99 | shed < 10 ms | shed p99 from send | served p50 | served p99 | generator lag p99 |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    `| ${f.served} | ${f.shed} | ${f.other} | ${ms(f.shedP50Us)} | ${ms(f.shedP99Us)} | ${share} | ${ms(f.shedServiceP99Us)} | ` +
      `${ms(f.servedP50Us)} | ${ms(f.servedP99Us)} | ${f.lagP99Ms.toFixed(1)} ms |`,
    '',
  ].join('\n');
}
