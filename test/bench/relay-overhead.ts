/**
 * `npm run bench:relay`: what does our relay cost beyond a bare node:http + undici pass-through?
 * A zero-latency mock upstream, the bare proxy and our relay run as separate processes on
 * loopback. Each round loads every target (direct = the upstream itself, bare, relay) first in
 * the open model at a fixed arrival rate, then in the closed model (autocannon, max throughput);
 * the order rotates from round to round so no target always runs first or last. Around every
 * segment the CPU of each process is read from /proc, so CPU per request is each server's own.
 * Raw figures per round, then medians [min - max], then the ratio lines; last, the overload row:
 * how fast a relay at its in-flight limit sheds 3x its capacity (overload-segment.ts).
 *
 * Env: BENCH_RATE (req/s, 1000), BENCH_ROUNDS (5), BENCH_SEGMENT_S (10), BENCH_THROUGHPUT_S (8),
 * BENCH_CONNECTIONS (64), BENCH_WARMUP_S (3), BENCH_SETTLE_MS (1000); BENCH_QUICK=1 for a smoke
 * check (1 round, 3 s segments); BENCH_REDIS_ONLY=1 for the Redis row alone (redis-segment.ts). Ctrl-C stops the load and the servers; a second one kills them.
 */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { renderRound, type RoundFigures } from './relay-overhead/round-table.js';
import { clockTicksPerSecond } from './relay-overhead/proc-cpu.js';
import { closedSegment } from './relay-overhead/closed-segment.js';
import { openSegment } from './relay-overhead/open-segment.js';
import { OVERLOAD_PLAN, overloadSegment, renderOverload } from './relay-overhead/overload-segment.js';
import type { SegmentContext, SegmentFigures } from './relay-overhead/segment.js';
import { startBenchServers, TARGETS, type BenchServers, type TargetName } from './relay-overhead/servers.js';
import { plannedSeconds, readBenchSettings, type BenchSettings } from './relay-overhead/settings.js';
import { renderRatios } from './relay-overhead/ratio-lines.js';
import { redisSegment, renderRedisRow, type RedisRowPlan } from './relay-overhead/redis-segment.js';
import { renderMedians, renderWarnings } from './relay-overhead/summary.js';

const settings = readBenchSettings();
const startedAt = performance.now();
const plannedS = plannedSeconds(settings, TARGETS.length);
const clock = (s: number): string => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, '0')}`;
const log = (line: string): void =>
  void process.stderr.write(`[${clock((performance.now() - startedAt) / 1000)} / ~${clock(plannedS)}] ${line}\n`);
const out = (text: string): void => void process.stdout.write(`${text}\n`);

/** The Redis row's plan: the bench's rate, its segment length (at most 10 s) and up to 3 rounds. */
const redisPlan = (s: BenchSettings): RedisRowPlan => ({
  rate: s.rate,
  seconds: Math.min(10, s.segmentS),
  rounds: Math.min(3, s.rounds),
});

/** `BENCH_REDIS_ONLY=1`: only the Redis row (state in Redis vs in memory), a minute or so. */
async function redisOnly(): Promise<number> {
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  log(`Redis row only: ${JSON.stringify(redisPlan(settings))}`);
  out(`# Relay overhead bench: Redis row\n\n${machine(clockTicksPerSecond())}\n`);
  out(renderRedisRow(await redisSegment(stop.signal, redisPlan(settings))));
  return stop.signal.aborted ? 130 : 0;
}

async function main(): Promise<number> {
  if (process.env.BENCH_REDIS_ONLY === '1') return redisOnly();
  const stop = new AbortController();
  let servers: BenchServers | undefined;
  const onInterrupt = (): void => {
    if (!stop.signal.aborted) {
      log('interrupted: stopping the load and the servers (Ctrl-C again to kill them)');
      stop.abort();
      return;
    }
    // A second Ctrl-C: do not wait for graceful shutdowns; kill what we started, by pid.
    for (const [name, pid] of servers?.pids ?? []) if (name !== 'generator') killQuietly(pid);
    process.exit(130);
  };
  process.on('SIGINT', onInterrupt);
  // Stops by itself even if a server hangs: half again the planned time plus a minute.
  const watchdog = setTimeout(
    () => {
      log('watchdog: the run took far too long, stopping');
      stop.abort();
    },
    (plannedS * 1.5 + 60) * 1000,
  );
  try {
    log(`plan: ${describe(settings)}`);
    log('starting mock upstream (0 ms), bare proxy and relay, each in its own process');
    servers = await startBenchServers();
    const ctx: SegmentContext = { pids: servers.pids, ticksPerSecond: clockTicksPerSecond(), signal: stop.signal };
    out(`# Relay overhead bench\n\n${describe(settings)}\n\n${machine(ctx.ticksPerSecond)}\n`);
    if (settings.warmupS > 0) await warmUp(ctx, servers, settings);
    const rounds: RoundFigures[] = [];
    for (let round = 1; round <= settings.rounds && !stop.signal.aborted; round++) {
      const figures = await runRound(ctx, servers, settings, round);
      if (stop.signal.aborted) break; // a round cut short is not reported
      rounds.push(figures);
      out(renderRound(figures, settings.rounds));
    }
    if (rounds.length === 0) return 130;
    out(renderMedians(rounds, settings));
    const warnings = renderWarnings(rounds, settings);
    if (warnings.length > 0) out(`${warnings.join('\n')}\n`);
    out(renderRatios(rounds, settings));
    if (!stop.signal.aborted) {
      log(
        `overload row: ${OVERLOAD_PLAN.loadFactor}x capacity for ${OVERLOAD_PLAN.seconds} s (a relay and upstream of its own)`,
      );
      out(renderOverload(await overloadSegment(stop.signal)));
    }
    if (!stop.signal.aborted) {
      log('Redis row: fleet state in a local redis-server vs in memory (skipped without redis-server)');
      out(renderRedisRow(await redisSegment(stop.signal, redisPlan(settings))));
    }
    return stop.signal.aborted ? 130 : 0;
  } finally {
    clearTimeout(watchdog);
    log('stopping the servers');
    await servers?.stop();
    process.off('SIGINT', onInterrupt);
  }
}

async function runRound(
  ctx: SegmentContext,
  servers: BenchServers,
  s: BenchSettings,
  round: number,
): Promise<RoundFigures> {
  // Rotate: round 1 runs direct, bare, relay; round 2 bare, relay, direct; and so on.
  const order = TARGETS.map((_, i) => TARGETS[(i + round - 1) % TARGETS.length]!);
  const open = new Map<TargetName, SegmentFigures>();
  const closed = new Map<TargetName, SegmentFigures>();
  const step = (kind: string, i: number, target: TargetName, what: string): void =>
    log(`round ${round}/${s.rounds} · ${kind} segment ${i + 1}/${order.length} · ${target} · ${what}`);
  for (const [i, target] of order.entries()) {
    step('open', i, target, `${s.rate} req/s for ${s.segmentS} s`);
    open.set(target, await openSegment(ctx, target, servers.urls[target], s.rate, s.segmentS));
    await settle(ctx, s);
  }
  for (const [i, target] of order.entries()) {
    step('closed', i, target, `${s.connections} connections for ${s.throughputS} s`);
    closed.set(target, await closedSegment(ctx, target, servers.urls[target], s.connections, s.throughputS));
    await settle(ctx, s);
  }
  return { round, order, open, closed };
}

/** Unmeasured load on every target, so JIT, pools and connections are warm before round 1. */
async function warmUp(ctx: SegmentContext, servers: BenchServers, s: BenchSettings): Promise<void> {
  for (const target of TARGETS) {
    if (ctx.signal.aborted) return;
    log(`warm-up · ${target} · ${s.warmupS} s open, ${s.warmupS} s closed`);
    await openSegment(ctx, target, servers.urls[target], s.rate, s.warmupS);
    await settle(ctx, s);
    await closedSegment(ctx, target, servers.urls[target], s.connections, Math.max(1, Math.round(s.warmupS)));
    await settle(ctx, s);
  }
}

async function settle(ctx: SegmentContext, s: BenchSettings): Promise<void> {
  await sleep(s.settleMs, undefined, { signal: ctx.signal }).catch(() => undefined);
}

/** Where and on what the figures were taken, so before/after runs can be matched. */
function machine(ticksPerSecond: number): string {
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    if (execFileSync('git', ['status', '--porcelain', 'src'], { encoding: 'utf8' }).trim())
      commit += ' + changes in src/';
  } catch {
    // Not a git checkout: the commit stays unknown.
  }
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  const relay = process.env.BENCH_RELAY_ENTRY ? `; relay from ${process.env.BENCH_RELAY_ENTRY}` : '';
  return `${new Date().toISOString()}; commit ${commit}${relay}; node ${process.version}; ${cpus().length} CPUs, load average ${load} at start; CLK_TCK ${ticksPerSecond}`;
}

/** SIGKILL to a server we started; one that has already exited is fine. */
function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // ESRCH: it is gone already.
  }
}

function describe(s: BenchSettings): string {
  return `${s.rounds} round(s) × ${TARGETS.length} targets (rotated), open model ${s.rate} req/s × ${s.segmentS} s and closed model ${s.connections} connections × ${s.throughputS} s per target and round; warm-up ${s.warmupS} s; about ${clock(plannedS)} in all`;
}

process.exitCode = await main();
