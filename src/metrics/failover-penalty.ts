/**
 * Failover latency penalty: what needing a fallback costs a client. Successful requests are split
 * into those that needed a fallback (the relay made more than one attempt, or a provider other
 * than the primary served them) and those that did not; latency p50/p99 of each, and the delta.
 * Successes only: a failure's latency says how long it took to give up, not what failover costs.
 */
import { createHistogram, recordMicros, summarize, type LatencyHistogram, type LatencySummary } from './histogram.js';
import { latencyMicros, type RequestRecord } from './record.js';

export interface FailoverPenalty {
  /** Successes that needed a fallback. */
  fallback: LatencySummary;
  /** Successes served at the first attempt by the primary. */
  direct: LatencySummary;
  /** fallback - direct, µs; undefined unless both groups have requests. */
  p50DeltaUs: number | undefined;
  p99DeltaUs: number | undefined;
}

/** Whether a successful request needed a fallback. */
export function neededFallback(record: RequestRecord, primary: string): boolean {
  return (record.attempts ?? 1) > 1 || (record.provider !== undefined && record.provider !== primary);
}

export function failoverPenalty(records: readonly RequestRecord[], primary: string): FailoverPenalty {
  const fallback: LatencyHistogram = createHistogram();
  const direct: LatencyHistogram = createHistogram();
  for (const record of records) {
    if (record.outcome !== 'ok') continue;
    recordMicros(neededFallback(record, primary) ? fallback : direct, latencyMicros(record));
  }
  const f = summarize(fallback);
  const d = summarize(direct);
  const both = f.count > 0 && d.count > 0;
  return {
    fallback: f,
    direct: d,
    p50DeltaUs: both ? f.p50Us - d.p50Us : undefined,
    p99DeltaUs: both ? f.p99Us - d.p99Us : undefined,
  };
}
