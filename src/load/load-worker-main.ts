/**
 * One generator thread of `runOpenModelInWorkers`: says it is ready, waits for the shared start
 * time, runs its partition of the schedule and streams its records back in small batches.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { RequestRecord } from '../metrics/record.js';
import { runOpenModel } from './open-model.js';
import type { WorkerControl, WorkerData, WorkerReport } from './worker-protocol.js';

const port = parentPort!;
const { options, index, count } = workerData as WorkerData;
const stop = new AbortController();
let batch: RequestRecord[] = [];
const send = (report: WorkerReport): void => port.postMessage(report);
// Batched: one message per record would cost more than the request itself at high rates.
const flush = (): void => {
  if (batch.length === 0) return;
  send({ type: 'records', records: batch });
  batch = [];
};

port.on('message', (message: WorkerControl) => {
  if (message.type === 'stop') stop.abort();
  else void run(message.originEpochMs);
});
send({ type: 'ready' });

async function run(originEpochMs: number): Promise<void> {
  const timer = setInterval(flush, 50);
  try {
    const result = await runOpenModel({
      ...options,
      partition: { index, count },
      originEpochMs,
      signal: stop.signal,
      onRecord: (record) => batch.push(record),
    });
    flush();
    send({ type: 'done', run: result });
  } catch (error) {
    send({ type: 'failed', message: (error as Error).message });
  } finally {
    clearInterval(timer);
  }
}
