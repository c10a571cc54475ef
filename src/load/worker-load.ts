/**
 * Open-model load from several threads, for rates one event loop cannot keep on schedule (the
 * generator's `lagWarning` says when). Each thread runs the same seeded schedule and mix and sends
 * every `count`-th arrival, all on one shared start time, so the requests and their intended
 * times are exactly those of a single generator; records stream back to this thread, and the
 * threads' schedule-lag histograms are merged exactly.
 */
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { decodeHistogram, createHistogram, encodeHistogram } from '../metrics/histogram.js';
import { mergeItl } from '../metrics/itl-histograms.js';
import type { RequestRecord } from '../metrics/record.js';
import { LoadOptionError } from './load-errors.js';
import { threadPartition, type LoadShare } from './load-share.js';
import type { OpenModelRun } from './open-model.js';
import type { WorkerControl, WorkerLoadOptions, WorkerReport } from './worker-protocol.js';

const WORKER_ENTRY = new URL('./load-worker.mjs', import.meta.url);
/** Head start between "all threads ready" and the shared origin, so every thread is waiting for it. */
const START_DELAY_MS = 50;

export interface WorkerRunOptions extends WorkerLoadOptions {
  workers: number;
  /** A shard's share of the schedule, split further over the threads; its start replaces the local one. */
  share?: LoadShare | undefined;
  signal?: AbortSignal;
  onStart?(startedAt: number): void;
  onRecord(record: RequestRecord): void;
}

export async function runOpenModelInWorkers(options: WorkerRunOptions): Promise<OpenModelRun> {
  const { workers: count, share, signal, onStart, onRecord, ...load } = options;
  if (!Number.isInteger(count) || count < 1 || count > 64)
    throw new LoadOptionError('workers', count, 'an integer from 1 to 64');
  const threads = Array.from(
    { length: count },
    (_, thread) =>
      new Worker(WORKER_ENTRY, {
        workerData: { options: { ...load, dropMissed: share !== undefined }, ...threadPartition(thread, count, share) },
      }),
  );
  const control = (message: WorkerControl): void => threads.forEach((thread) => thread.postMessage(message));
  const onAbort = (): void => control({ type: 'stop' });
  let origin = 0;
  try {
    const runs = await new Promise<OpenModelRun[]>((resolve, reject) => {
      const done: OpenModelRun[] = [];
      let ready = 0;
      threads.forEach((thread) => {
        thread.on('error', reject);
        thread.on('exit', (code) => {
          if (code !== 0 && done.length < count) reject(new Error(`load worker exited with code ${code}`));
        });
        thread.on('message', (report: WorkerReport) => {
          switch (report.type) {
            case 'ready':
              if (++ready === count) {
                const originEpochMs = share?.originEpochMs ?? Date.now() + START_DELAY_MS;
                origin = originEpochMs - performance.timeOrigin; // on this thread's clock
                onStart?.(origin);
                control({ type: 'start', originEpochMs });
              }
              return;
            case 'records':
              report.records.forEach(onRecord);
              return;
            case 'done':
              done.push(report.run);
              if (done.length === count) resolve(done);
              return;
            case 'failed':
              reject(new Error(`load worker failed: ${report.message}`));
              return;
            default: {
              const unreachable: never = report;
              return unreachable;
            }
          }
        });
      });
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    return merge(runs, origin);
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await Promise.all(threads.map((thread) => thread.terminate()));
  }
}

/** One run from several: counts summed, schedule-lag histograms added (exact), worst loop delay. */
function merge(runs: readonly OpenModelRun[], startedAt: number): OpenModelRun {
  const lag = createHistogram();
  for (const run of runs) {
    const part = decodeHistogram(run.scheduleLagHistogram);
    lag.add(part);
    part.destroy();
  }
  const ms = (us: number): number => Math.round(us) / 1000;
  const empty = lag.totalCount === 0;
  const threshold = runs[0]!.lagThresholdMs;
  const p99 = empty ? 0 : ms(lag.getValueAtPercentile(99));
  const merged: OpenModelRun = {
    mode: 'open-model',
    startedAt,
    scheduled: runs.reduce((sum, r) => sum + r.scheduled, 0),
    interrupted: runs.some((r) => r.interrupted),
    scheduleLagP50Ms: empty ? 0 : ms(lag.getValueAtPercentile(50)),
    scheduleLagP99Ms: p99,
    scheduleLagMaxMs: empty ? 0 : ms(lag.maxValue),
    scheduleLagHistogram: encodeHistogram(lag),
    eventLoopDelayP99Ms: Math.max(...runs.map((r) => r.eventLoopDelayP99Ms)),
    eventLoopDelayMaxMs: Math.max(...runs.map((r) => r.eventLoopDelayMaxMs)),
    lagThresholdMs: threshold,
    lagWarning: p99 > threshold,
    itl: mergeItl(runs.map((r) => r.itl)),
    ...(runs.some((r) => r.missed !== undefined)
      ? {
          lateByMs: Math.max(...runs.map((r) => r.lateByMs ?? 0)),
          missed: runs.reduce((sum, r) => sum + (r.missed ?? 0), 0),
        }
      : {}),
  };
  lag.destroy();
  return merged;
}
