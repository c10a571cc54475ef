/**
 * The end of the bench's output: each figure as median [min - max] across rounds, warnings about
 * anything that makes the rounds suspect, and LAST the ratio lines the overhead claim rests on.
 * Ratios are taken within a round (relay and bare ran back to back under the same machine noise),
 * then summarised across rounds.
 */
import type { BenchSettings } from './settings.js';
import { serverCpu, upstreamCpu, type RoundFigures } from './round-table.js';
import type { SegmentFigures } from './segment.js';
import { TARGETS, type TargetName } from './servers.js';
import { fmt, formatSpread, spreadOf, type Spread } from './stats.js';

/** The claim under test (issue 10): relay CPU per request and max throughput relative to bare. */
const GOALS = Object.freeze({ cpuRatioMax: 1.08, throughputRatioMin: 0.95 });
/** Other processes using more than this many cores during a segment make its figures suspect. */
const NOISY_CORES = 0.25;
/** The open-model generator's own default threshold for a lag warning. */
const LAGGING_MS = 5;

type Pick = (round: RoundFigures) => number;

const across = (rounds: readonly RoundFigures[], pick: Pick): Spread => spreadOf(rounds.map(pick));
const open =
  (target: TargetName, f: (s: SegmentFigures | undefined) => number): Pick =>
  (r) =>
    f(r.open.get(target));
const closed =
  (target: TargetName, f: (s: SegmentFigures | undefined) => number): Pick =>
  (r) =>
    f(r.closed.get(target));

export function renderMedians(rounds: readonly RoundFigures[], s: BenchSettings): string {
  const rows = TARGETS.map((t) => {
    const cells = [
      formatSpread(
        across(
          rounds,
          open(t, (x) => x?.p50Us ?? NaN),
        ),
        fmt.ms,
      ),
      formatSpread(
        across(
          rounds,
          open(t, (x) => x?.p99Us ?? NaN),
        ),
        fmt.ms,
      ),
      formatSpread(across(rounds, open(t, serverCpu)), fmt.us),
      formatSpread(across(rounds, open(t, upstreamCpu)), fmt.us),
      formatSpread(
        across(
          rounds,
          closed(t, (x) => x?.okPerS ?? NaN),
        ),
        fmt.rate,
      ),
      formatSpread(across(rounds, closed(t, serverCpu)), fmt.us),
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

/** The ratio lines, within each round then median [min - max]; printed last. */
export function renderRatios(rounds: readonly RoundFigures[], s: BenchSettings): string {
  const cpu = across(rounds, (r) => serverCpu(r.open.get('relay')) / serverCpu(r.open.get('bare')));
  const throughput = across(
    rounds,
    (r) => (r.closed.get('relay')?.okPerS ?? NaN) / (r.closed.get('bare')?.okPerS ?? NaN),
  );
  const overhead = (t: TargetName, p: 'p50Us' | 'p99Us'): string =>
    formatSpread(
      across(rounds, (r) => (r.open.get(t)?.[p] ?? NaN) - (r.open.get('direct')?.[p] ?? NaN)),
      fmt.signedMs,
    );
  const relayCpu = across(rounds, open('relay', serverCpu)).median;
  const bareCpu = across(rounds, open('bare', serverCpu)).median;
  return [
    `== Ratios: median [min - max] of ${rounds.length} round(s), each ratio taken within its round ==`,
    `relay/bare CPU per request @${s.rate} req/s : ${formatSpread(cpu, fmt.ratio)}  goal <= ${GOALS.cpuRatioMax}x: ${verdict(cpu, (v) => v <= GOALS.cpuRatioMax)}  (medians: relay ${fmt.us(relayCpu)}, bare ${fmt.us(bareCpu)})`,
    `relay/bare max throughput (closed, ${s.connections} conn.) : ${formatSpread(throughput, fmt.ratio)}  goal >= ${GOALS.throughputRatioMin}x: ${verdict(throughput, (v) => v >= GOALS.throughputRatioMin)}`,
    `latency overhead vs direct, p50 @${s.rate} req/s : relay ${overhead('relay', 'p50Us')}   bare ${overhead('bare', 'p50Us')}`,
    `latency overhead vs direct, p99 @${s.rate} req/s : relay ${overhead('relay', 'p99Us')}   bare ${overhead('bare', 'p99Us')}`,
  ].join('\n');
}

function verdict(spread: Spread, meets: (value: number) => boolean): string {
  if (Number.isNaN(spread.median)) return 'n/a';
  if (meets(spread.min) && meets(spread.max)) return 'met in every round';
  return meets(spread.median) ? 'met by the median, not in every round' : 'not met';
}
