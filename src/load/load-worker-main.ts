/**
 * One generator thread of `runOpenModelInWorkers`: warms itself up, says it is ready, waits for
 * the shared start time, runs its partition of the schedule and streams its records back in small
 * batches.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import type { RequestRecord } from '../metrics/record.js';
import { runOpenModel } from './open-model.js';
import { sharedSpendHooks } from './shared-spend-limit.js';
import type { WorkerControl, WorkerData, WorkerReport } from './worker-protocol.js';

const port = parentPort!;
const WARM_RATE = 4000;
const WARM_MS = 1500;
const WARM_COMPLETION = JSON.stringify({
  id: 'chatcmpl-warm',
  object: 'chat.completion',
  model: 'warm',
  choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
});
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
await warmUp();
send({ type: 'ready' });

/**
 * A fresh thread runs cold code: measured, its first ~2 s at 2,500 req/s fell up to ~270 ms
 * behind schedule (p50) before the JIT caught up. So before saying ready, each thread sends a
 * short burst of the same requests to a throwaway server of its own (never to the target).
 */
async function warmUp(): Promise<void> {
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(WARM_COMPLETION));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const { port: local } = server.address() as AddressInfo;
    await runOpenModel({
      ...options,
      baseUrl: `http://127.0.0.1:${local}`,
      replicas: undefined,
      chatPath: undefined,
      dial: undefined,
      schedule: { kind: 'constant', rate: WARM_RATE, durationMs: WARM_MS },
      maxInFlight: 200,
      timeoutMs: 5000,
      onRecord: () => {},
    });
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

async function run(originEpochMs: number): Promise<void> {
  const timer = setInterval(flush, 50);
  const { spendLimit, ...load } = options;
  const spend = spendLimit && sharedSpendHooks(spendLimit);
  try {
    const result = await runOpenModel({
      ...load,
      partition: { index, count },
      originEpochMs,
      signal: stop.signal,
      ...(spend ? { mayContinue: spend.mayContinue } : {}),
      onRecord: (record) => {
        spend?.meter(record);
        batch.push(record);
      },
    });
    flush();
    send({ type: 'done', run: result });
  } catch (error) {
    send({ type: 'failed', message: (error as Error).message });
  } finally {
    clearInterval(timer);
  }
}
