/**
 * The ratio lines the overhead claim rests on, printed LAST. Each ratio is taken within a round
 * (relay and bare ran back to back under the same machine noise), then summarised as median
 * [min - max] over the clean rounds: those in which no request failed or was dropped, since an
 * overloaded segment's latency and CPU per request say nothing about the relay.
 */
import { serverCpu, type RoundFigures } from './round-table.js';
import type { BenchSettings } from './settings.js';
import type { TargetName } from './servers.js';
import { fmt, formatSpread, spreadOf, type Spread } from './stats.js';
import { across, inOpen } from './summary.js';

/** The claim under test (issue 10): relay CPU per request and max throughput relative to bare. */
const GOALS = Object.freeze({ cpuRatioMax: 1.08, throughputRatioMin: 0.95 });

const isClean = (r: RoundFigures): boolean => [...r.open.values(), ...r.closed.values()].every((f) => f.failed === 0);

export function renderRatios(all: readonly RoundFigures[], s: BenchSettings): string {
  const clean = all.filter(isClean);
  const rounds = clean.length > 0 ? clean : all;
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
  const judge = (spread: Spread, meets: (value: number) => boolean): string =>
    clean.length > 0 ? verdict(spread, meets) : 'not judged (no clean round)';
  const noise = spreadOf(rounds.flatMap((r) => [...r.open.values(), ...r.closed.values()].map((f) => f.foreignCores)));
  return [
    `== Ratios: median [min - max] of ${describeRounds(clean.length, all.length)}, each ratio taken within its round; machine noise ${formatSpread(noise, fmt.cores)} cores ==`,
    `relay/bare CPU per request @${s.rate} req/s : ${formatSpread(cpu, fmt.ratio)}  goal <= ${GOALS.cpuRatioMax}x: ${judge(cpu, (v) => v <= GOALS.cpuRatioMax)}  (medians: relay ${fmt.us(across(rounds, inOpen('relay', serverCpu)).median)}, bare ${fmt.us(across(rounds, inOpen('bare', serverCpu)).median)})`,
    `relay/bare max throughput (closed, ${s.connections} conn.) : ${formatSpread(throughput, fmt.ratio)}  goal >= ${GOALS.throughputRatioMin}x: ${judge(throughput, (v) => v >= GOALS.throughputRatioMin)}`,
    `latency overhead vs direct, p50 @${s.rate} req/s : relay ${overhead('relay', 'p50Us')}   bare ${overhead('bare', 'p50Us')}`,
    `latency overhead vs direct, p99 @${s.rate} req/s : relay ${overhead('relay', 'p99Us')}   bare ${overhead('bare', 'p99Us')}`,
  ].join('\n');
}

function describeRounds(clean: number, all: number): string {
  if (clean === all) return `${all} round(s)`;
  if (clean === 0) return `${all} round(s), NONE clean (requests failed in every round: overloaded, not trustworthy)`;
  return `${clean} clean round(s) (${all - clean} left out: failed requests)`;
}

function verdict(spread: Spread, meets: (value: number) => boolean): string {
  if (Number.isNaN(spread.median)) return 'n/a';
  if (meets(spread.min) && meets(spread.max)) return 'met in every round';
  return meets(spread.median) ? 'met by the median, not in every round' : 'not met';
}
