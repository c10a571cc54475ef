/**
 * The bench's settings, read once from the environment and validated with messages that name the
 * variable. BENCH_QUICK=1 trades stability for a ~40 s smoke check.
 *
 * Why 10 s segments and 5 rounds: on the 2-core dev machine (2026-12-03, other jobs using 1.1-1.5
 * cores meanwhile) the relay/bare CPU-per-request ratio over windows of L seconds varied with a
 * coefficient of variation of 21% at 1 s, 15% at 3 s, 11% at 5 s, 8% at 10 s and 6% at 20 s: it
 * keeps shrinking to about 10 s, then slowly. The median of 5 rounds then rides out one or two
 * disturbed rounds; a quiet machine spreads far less.
 */
export interface BenchSettings {
  /** Open-model arrival rate per target, req/s. */
  readonly rate: number;
  readonly rounds: number;
  /** Open-model segment per target and round, seconds. */
  readonly segmentS: number;
  /** Closed-model (max throughput) segment per target and round, seconds. */
  readonly throughputS: number;
  /** Closed-model client connections. */
  readonly connections: number;
  /** Unmeasured warm-up per target before round 1, seconds (open model, then closed model). */
  readonly warmupS: number;
  /** Pause between segments so one target's tail (GC, closing sockets) does not land in the next. */
  readonly settleMs: number;
  readonly quick: boolean;
}

const DEFAULTS: BenchSettings = Object.freeze({
  rate: 1000,
  rounds: 5,
  segmentS: 10,
  throughputS: 8,
  connections: 64,
  warmupS: 3,
  settleMs: 1000,
  quick: false,
});

const QUICK: Partial<BenchSettings> = Object.freeze({ rounds: 1, segmentS: 3, throughputS: 3, warmupS: 1 });

/** Reads BENCH_* variables; BENCH_QUICK=1 changes the defaults, explicit variables still win. */
export function readBenchSettings(env: NodeJS.ProcessEnv = process.env): BenchSettings {
  const quick = env.BENCH_QUICK === '1' || env.BENCH_QUICK === 'true';
  const base = quick ? { ...DEFAULTS, ...QUICK, quick } : DEFAULTS;
  return {
    rate: numberFrom(env, 'BENCH_RATE', base.rate, { min: 1, max: 20_000 }),
    rounds: numberFrom(env, 'BENCH_ROUNDS', base.rounds, { min: 1, max: 50, integer: true }),
    segmentS: numberFrom(env, 'BENCH_SEGMENT_S', base.segmentS, { min: 0.5, max: 600 }),
    throughputS: numberFrom(env, 'BENCH_THROUGHPUT_S', base.throughputS, { min: 1, max: 600, integer: true }),
    connections: numberFrom(env, 'BENCH_CONNECTIONS', base.connections, { min: 1, max: 1024, integer: true }),
    warmupS: numberFrom(env, 'BENCH_WARMUP_S', base.warmupS, { min: 0, max: 120 }),
    settleMs: numberFrom(env, 'BENCH_SETTLE_MS', base.settleMs, { min: 0, max: 60_000, integer: true }),
    quick,
  };
}

/** Seconds the run should take, start-up and per-segment drain included (measured, roughly). */
export function plannedSeconds(s: BenchSettings, targets: number): number {
  const perSegment = s.settleMs / 1000 + 1; // settle, then ~1 s of draining and client set-up
  const warmup = s.warmupS > 0 ? targets * 2 * (s.warmupS + perSegment) : 0;
  const overloadRow = 15; // two processes started, 5 s of load, stopped
  return 5 + overloadRow + warmup + s.rounds * targets * (s.segmentS + s.throughputS + 2 * perSegment);
}

interface Range {
  min: number;
  max: number;
  integer?: boolean;
}

function numberFrom(env: NodeJS.ProcessEnv, name: string, fallback: number, range: Range): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  const ok = Number.isFinite(value) && value >= range.min && value <= range.max;
  if (!ok || (range.integer && !Number.isInteger(value))) {
    const kind = range.integer ? 'an integer' : 'a number';
    throw new Error(`${name}=${JSON.stringify(raw)}: expected ${kind} from ${range.min} to ${range.max}`);
  }
  return value;
}
