/** Inter-token gaps recorded by every generator thread reach the run, merged exactly. */
import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { runOpenModelInWorkers } from '../../src/load/worker-load.js';
import { addEncoded } from '../../src/metrics/itl-histograms.js';
import { createHistogram } from '../../src/metrics/histogram.js';
import type { RequestRecord } from '../../src/metrics/record.js';
import { startTestServer, type TestServer } from '../support/http-server.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const CHUNKS = 4;
const GAP_MS = 15;
const chunk = (content: string): string =>
  `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content } }] })}\n\n`;

/** Four content chunks GAP_MS apart, then [DONE]. */
function paced(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'x-mock-provider': 'steady' });
  let sent = 0;
  const next = (): void => {
    res.write(chunk(`w${sent} `));
    if (++sent < CHUNKS) setTimeout(next, GAP_MS);
    else res.end('data: [DONE]\n\n');
  };
  next();
}

describe('ITL from worker threads', () => {
  it('merges every thread’s gaps, per slot and per provider', async () => {
    server = await startTestServer((req, res) => {
      req.resume();
      req.on('end', () => paced(res));
    });
    const records: RequestRecord[] = [];
    const run = await runOpenModelInWorkers({
      baseUrl: server.url,
      schedule: { kind: 'constant', rate: 20, durationMs: 1000 },
      timeoutMs: 5000,
      maxInFlight: 100,
      mix: { models: 'm', maxTokens: 8, streamRatio: 1 },
      workers: 2,
      onRecord: (r) => records.push(r),
    });
    expect(records).toHaveLength(20);
    expect(records.every((r) => r.outcome === 'ok' && r.chunks === CHUNKS)).toBe(true);
    const perProvider = addEncoded(createHistogram(), [run.itl.byProvider['steady']!]);
    const allSlots = addEncoded(createHistogram(), Object.values(run.itl.bySlot));
    expect(perProvider.totalCount).toBe(20 * (CHUNKS - 1));
    expect(allSlots.totalCount).toBe(20 * (CHUNKS - 1));
    // Generous: timers on a shared machine run late, never early.
    expect(perProvider.getValueAtPercentile(50) / 1000).toBeGreaterThan(GAP_MS * 0.9);
    expect(perProvider.getValueAtPercentile(50) / 1000).toBeLessThan(GAP_MS * 3);
  }, 90_000);
});
