/**
 * The raw figures of one round as a Markdown table, printed as soon as the round ends: per target,
 * the open-model segment (rate reached, latency, CPU per request of the serving process and of
 * the upstream behind it, generator lag, machine noise) and the closed-model segment.
 */
import type { SegmentFigures } from './segment.js';
import { SERVER_OF, TARGETS, type TargetName } from './servers.js';
import { fmt } from './stats.js';

export interface RoundFigures {
  /** 1-based. */
  readonly round: number;
  /** The order the targets ran in this round (rotated from round to round). */
  readonly order: readonly TargetName[];
  readonly open: ReadonlyMap<TargetName, SegmentFigures>;
  readonly closed: ReadonlyMap<TargetName, SegmentFigures>;
}

/** CPU µs per request of the process that served this target (the upstream for `direct`). */
export function serverCpu(figures: SegmentFigures | undefined): number {
  return figures?.cpuUsPerRequest.get(SERVER_OF[figures.target]) ?? NaN;
}

export function upstreamCpu(figures: SegmentFigures | undefined): number {
  return figures?.cpuUsPerRequest.get('upstream') ?? NaN;
}

const HEADER = [
  '| Target | Open ok | Failed | p50 | p99 | Server CPU/req | Upstream CPU/req | Client CPU/req | Gen lag p99 | Noise (cores) | Closed ok | Failed | Server CPU/req | Noise (cores) |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
];

export function renderRound(figures: RoundFigures, rounds: number): string {
  const rows = TARGETS.map((target) => {
    const open = figures.open.get(target);
    const closed = figures.closed.get(target);
    const cells = [
      target,
      fmt.rate(open?.okPerS ?? NaN),
      String(open?.failed ?? 'n/a'),
      fmt.ms(open?.p50Us ?? NaN),
      fmt.ms(open?.p99Us ?? NaN),
      fmt.us(serverCpu(open)),
      fmt.us(upstreamCpu(open)),
      fmt.us(open?.cpuUsPerRequest.get('generator') ?? NaN),
      `${(open?.lagP99Ms ?? NaN).toFixed(1)} ms`,
      fmt.cores(open?.foreignCores ?? NaN),
      fmt.rate(closed?.okPerS ?? NaN),
      String(closed?.failed ?? 'n/a'),
      fmt.us(serverCpu(closed)),
      fmt.cores(closed?.foreignCores ?? NaN),
    ];
    return `| ${cells.join(' | ')} |`;
  });
  return [`Round ${figures.round}/${rounds} (order: ${figures.order.join(', ')})`, '', ...HEADER, ...rows, ''].join(
    '\n',
  );
}
