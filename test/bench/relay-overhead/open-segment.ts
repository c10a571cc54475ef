/**
 * Open-model segment: a fixed arrival rate whatever happened to earlier requests (the project's
 * own generator), latency counted from each intended start, so queueing in a target shows in full.
 */
import { runOpenModel } from '../../../src/load/open-model.js';
import { createHistogram, recordMicros, summarize } from '../../../src/metrics/histogram.js';
import { latencyMicros } from '../../../src/metrics/record.js';
import { cpuBetween, snapshotCpu } from './proc-cpu.js';
import { segmentFigures, withSegmentSignal, type SegmentContext, type SegmentFigures } from './segment.js';
import type { TargetName } from './servers.js';

/** Open model: `rate` req/s for `seconds`, every arrival sent whatever happened to earlier ones. */
export async function openSegment(
  ctx: SegmentContext,
  target: TargetName,
  url: string,
  rate: number,
  seconds: number,
): Promise<SegmentFigures> {
  const histogram = createHistogram();
  let answered = 0;
  let failed = 0;
  const before = snapshotCpu(ctx.pids);
  const run = await withSegmentSignal(ctx.signal, (signal) =>
    runOpenModel({
      baseUrl: url,
      ratePerSecond: rate,
      durationMs: seconds * 1000,
      timeoutMs: 5000,
      maxInFlight: 2000,
      model: 'gpt-4.1-mini',
      maxTokens: 16,
      signal,
      onRecord: (record) => {
        if (record.outcome !== 'ok') failed++;
        if (record.status !== undefined) answered++;
        if (record.outcome === 'ok') recordMicros(histogram, latencyMicros(record));
      },
    }),
  );
  const cpu = cpuBetween(before, snapshotCpu(ctx.pids));
  const latency = summarize(histogram);
  return {
    ...segmentFigures(ctx, target, cpu, answered, failed, latency.count / seconds),
    p50Us: latency.p50Us,
    p99Us: latency.p99Us,
    lagP99Ms: run.scheduleLagP99Ms,
  };
}
