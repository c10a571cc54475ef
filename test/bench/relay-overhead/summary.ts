/**
 * The summary before the ratio lines: each figure as median [min - max] across rounds, then one
 * warning per kind of trouble that makes rounds suspect (failures, machine noise, generator lag).
 */
import type { BenchSettings } from './settings.js';
import { serverCpu, upstreamCpu, type RoundFigures } from './round-table.js';
import type { SegmentFigures } from './segment.js';
import { TARGETS, type TargetName } from './servers.js';
import { fmt, formatSpread, spreadOf, type Spread } from './stats.js';

/** Other processes using more than this many cores during a segment make its figures suspect. */
const NOISY_CORES = 0.25;
/** The open-model generator's own default threshold for a lag warning. */
const LAGGING_MS = 5;

type Pick = (round: RoundFigures) => number;

/** One figure of every round, as median [min - max]. */
export function across(rounds: readonly RoundFigures[], pick: Pick): Spread {
  return spreadOf(rounds.map(pick));
}

/** Picks a figure from a target's open-model (or closed-model) segment of a round. */
export function inOpen(target: TargetName, f: (s: SegmentFigures | undefined) => number): Pick {
  return (r) => f(r.open.get(target));
}

function inClosed(target: TargetName, f: (s: SegmentFigures | undefined) => number): Pick {
  return (r) => f(r.closed.get(target));
}

export function renderMedians(rounds: readonly RoundFigures[], s: BenchSettings): string {
  const cell = (pick: Pick, format: (v: number) => string): string => formatSpread(across(rounds, pick), format);
  const p50 = (x: SegmentFigures | undefined): number => x?.p50Us ?? NaN;
  const p99 = (x: SegmentFigures | undefined): number => x?.p99Us ?? NaN;
  const okPerS = (x: SegmentFigures | undefined): number => x?.okPerS ?? NaN;
  const rows = TARGETS.map((t) => {
    const cells = [
      cell(inOpen(t, p50), fmt.ms),
      cell(inOpen(t, p99), fmt.ms),
      cell(inOpen(t, serverCpu), fmt.us),
      cell(inOpen(t, upstreamCpu), fmt.us),
      cell(inClosed(t, okPerS), fmt.rate),
      cell(inClosed(t, serverCpu), fmt.us),
    ];
    return `| ${t} | ${cells.join(' | ')} |`;
  });
  return [
    `Medians [min - max] over ${rounds.length} round(s): open model ${s.rate} req/s for ${s.segmentS} s, closed model ${s.connections} connections for ${s.throughputS} s`,
    '',
    `| Target | p50 | p99 | Server CPU/req @${s.rate}/s | Upstream CPU/req | Max throughput (closed) | Server CPU/req @max |`,
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}

/** Lines that say why a run should not be trusted (one per kind of trouble); empty when none. */
export function renderWarnings(rounds: readonly RoundFigures[], s: BenchSettings): string[] {
  const segments = rounds.flatMap((r) => [...r.open.values(), ...r.closed.values()]);
  const open = rounds.flatMap((r) => [...r.open.values()]);
  const failed = segments.filter((f) => f.failed > 0);
  const noisy = segments.filter((f) => f.foreignCores > NOISY_CORES);
  const lagging = open.filter((f) => (f.lagP99Ms ?? 0) > LAGGING_MS);
  const maxOf = (xs: SegmentFigures[], pick: (f: SegmentFigures) => number): number => Math.max(...xs.map(pick));
  const warnings: string[] = [];
  if (failed.length > 0) {
    const total = failed.reduce((sum, f) => sum + f.failed, 0);
    warnings.push(`${total} failed requests in ${failed.length} of ${segments.length} segments`);
  }
  if (noisy.length > 0) {
    const max = fmt.cores(maxOf(noisy, (f) => f.foreignCores));
    warnings.push(
      `machine noise: other processes used > ${NOISY_CORES} cores in ${noisy.length} of ${segments.length} segments (max ${max}); re-run in a quiet moment`,
    );
  }
  if (lagging.length > 0) {
    const max = maxOf(lagging, (f) => f.lagP99Ms ?? 0).toFixed(1);
    warnings.push(
      `generator lag p99 > ${LAGGING_MS} ms in ${lagging.length} of ${open.length} open segments (max ${max} ms): latencies include it`,
    );
  }
  if (s.quick) warnings.push('BENCH_QUICK: short segments; a smoke check, not a measurement');
  return warnings.map((w) => `warning: ${w}`);
}
