/**
 * One measured segment: one target loaded for a fixed time while the CPU of every bench process
 * is read from /proc right before and right after. CPU per request is a process's ticks in the
 * segment divided by the requests that got a response in it. The load itself is in
 * open-segment.ts (fixed arrival rate) and closed-segment.ts (max throughput).
 */
import type { CpuDelta } from './proc-cpu.js';
import type { ProcessName, TargetName } from './servers.js';

export interface SegmentFigures {
  readonly target: TargetName;
  readonly seconds: number;
  /** Requests answered (any status); the divisor of CPU per request. */
  readonly answered: number;
  /** Requests that failed (non-2xx, timeout, reset) or were dropped by the generator. */
  readonly failed: number;
  /** 2xx responses per second. */
  readonly okPerS: number;
  /** CPU µs per answered request, per process (upstream, bare, relay, generator). */
  readonly cpuUsPerRequest: ReadonlyMap<ProcessName, number>;
  /** Cores' worth of CPU used by processes that are not ours during the segment (machine noise). */
  readonly foreignCores: number;
  /** Open model only: latency percentiles from the intended start, and the generator's lag. */
  readonly p50Us?: number;
  readonly p99Us?: number;
  readonly lagP99Ms?: number;
}

export interface SegmentContext {
  readonly pids: ReadonlyMap<ProcessName, number>;
  readonly ticksPerSecond: number;
  readonly signal: AbortSignal;
}

/**
 * Runs one segment with its own signal that follows the bench's: the load clients add abort
 * listeners they never remove, and one per segment on a shared signal would pile up.
 */
export async function withSegmentSignal<T>(bench: AbortSignal, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const segment = new AbortController();
  const follow = (): void => segment.abort();
  if (bench.aborted) follow();
  else bench.addEventListener('abort', follow, { once: true });
  try {
    return await run(segment.signal);
  } finally {
    bench.removeEventListener('abort', follow);
  }
}

/** A segment's figures from its CPU delta and request counts. */
export function segmentFigures(
  ctx: SegmentContext,
  target: TargetName,
  cpu: CpuDelta,
  answered: number,
  failed: number,
  okPerS: number,
): SegmentFigures {
  const usPerTick = 1e6 / ctx.ticksPerSecond;
  const cpuUsPerRequest = new Map<ProcessName, number>();
  for (const [name, ticks] of cpu.byName) {
    cpuUsPerRequest.set(name as ProcessName, answered > 0 ? (ticks * usPerTick) / answered : NaN);
  }
  return {
    target,
    seconds: cpu.seconds,
    answered,
    failed,
    okPerS,
    cpuUsPerRequest,
    foreignCores: cpu.foreign / ctx.ticksPerSecond / cpu.seconds,
  };
}
