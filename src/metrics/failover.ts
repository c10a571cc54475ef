/**
 * Failover analysis per fault window (definitions in the README's metric section):
 * failover time = first success served by another provider after the fault on the primary took
 * effect, minus that onset. Only a fault on the chain's primary has a failover to measure.
 */
import { effectiveSpan, type FaultWindow } from './fault-window.js';
import type { RequestRecord } from './record.js';

export interface WindowAnalysis {
  provider: string;
  type: string;
  startMs: number;
  endMs: number;
  /** Whether the fault hit the chain's primary (only then is there a failover to measure). */
  onPrimary: boolean;
  /** ms from onset to the first success by a fallback; undefined when none was served. */
  failoverMs?: number;
  /** Requests whose intended start fell inside the window, and how they ended. */
  requests: number;
  ok: number;
  failed: number;
  dropped: number;
}

export function analyseWindows(
  records: readonly RequestRecord[],
  windows: readonly FaultWindow[],
  primary: string,
  endOfRunMs: number,
): WindowAnalysis[] {
  return windows.map((window) => {
    const { startMs, endMs } = effectiveSpan(window, endOfRunMs);
    let requests = 0;
    let ok = 0;
    let failed = 0;
    let dropped = 0;
    let firstFallbackEnd = Infinity;
    for (const record of records) {
      if (record.intendedMs >= startMs && record.intendedMs < endMs) {
        requests++;
        if (record.outcome === 'ok') ok++;
        else if (record.outcome === 'failed') failed++;
        else dropped++;
      }
      const servedByFallback =
        record.outcome === 'ok' && record.provider !== undefined && record.provider !== window.provider;
      if (servedByFallback && record.endMs >= startMs && record.endMs < firstFallbackEnd)
        firstFallbackEnd = record.endMs;
    }
    const onPrimary = window.provider === primary;
    return {
      provider: window.provider,
      type: window.type,
      startMs,
      endMs,
      onPrimary,
      failoverMs: onPrimary && firstFallbackEnd !== Infinity ? firstFallbackEnd - startMs : undefined,
      requests,
      ok,
      failed,
      dropped,
    };
  });
}
