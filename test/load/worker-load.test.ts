import { afterEach, describe, expect, it } from 'vitest';
import { runOpenModel } from '../../src/load/open-model.js';
import { runOpenModelInWorkers } from '../../src/load/worker-load.js';
import { decodeHistogram } from '../../src/metrics/histogram.js';
import type { RequestRecord } from '../../src/metrics/record.js';
import { answer, startTestServer, type TestServer } from '../support/http-server.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const mix = {
  models: [
    { value: 'a', weight: 1 },
    { value: 'b', weight: 1 },
    { value: 'c', weight: 2 },
  ],
  maxTokens: 16,
};

describe('runOpenModelInWorkers', () => {
  it("sends exactly the single generator's requests, on its schedule, from several threads", async () => {
    server = await startTestServer((req, res) => answer(req, res, 5));
    const common = {
      baseUrl: server.url,
      schedule: { kind: 'constant' as const, rate: 100, durationMs: 1500 },
      timeoutMs: 5000,
      maxInFlight: 500,
      mix,
      seed: 11,
    };

    const threaded: RequestRecord[] = [];
    let origin: number | undefined;
    const run = await runOpenModelInWorkers({
      ...common,
      workers: 3,
      onStart: (at) => (origin = at),
      onRecord: (r) => threaded.push(r),
    });
    expect(origin).toBeDefined();
    expect(run.scheduled).toBe(150);
    expect(threaded).toHaveLength(150);
    threaded.sort((x, y) => x.seq - y.seq);
    expect(threaded.map((r) => r.seq)).toEqual(Array.from({ length: 150 }, (_, i) => i));
    expect(threaded.every((r) => r.outcome === 'ok')).toBe(true);
    // One shared clock: intended starts are the schedule's, whichever thread sent them.
    threaded.forEach((r) => expect(r.intendedMs).toBeCloseTo(r.seq * 10, 6));
    expect(Math.max(...threaded.map((r) => r.sentMs - r.intendedMs))).toBeLessThan(500);
    // The merged lag histogram holds every thread's arrivals.
    expect(decodeHistogram(run.scheduleLagHistogram).totalCount).toBe(150);

    const single: RequestRecord[] = [];
    await runOpenModel({ ...common, onRecord: (r) => single.push(r) });
    single.sort((x, y) => x.seq - y.seq);
    expect(threaded.map((r) => r.model)).toEqual(single.map((r) => r.model));
  });

  it('stops every thread on abort and still accounts for what was scheduled', async () => {
    server = await startTestServer((req, res) => answer(req, res, 5));
    const controller = new AbortController();
    const records: RequestRecord[] = [];
    setTimeout(() => controller.abort(), 1500);
    const run = await runOpenModelInWorkers({
      baseUrl: server.url,
      schedule: { kind: 'constant', rate: 50, durationMs: 20_000 },
      timeoutMs: 5000,
      maxInFlight: 100,
      model: 'm',
      maxTokens: 8,
      workers: 2,
      signal: controller.signal,
      onRecord: (r) => records.push(r),
    });
    expect(run.interrupted).toBe(true);
    expect(run.scheduled).toBeLessThan(200);
    expect(records).toHaveLength(run.scheduled);
  });

  it('rejects a bad thread count, naming the field', async () => {
    await expect(
      runOpenModelInWorkers({
        baseUrl: 'http://127.0.0.1:1',
        ratePerSecond: 1,
        durationMs: 1,
        timeoutMs: 1,
        maxInFlight: 1,
        model: 'm',
        maxTokens: 1,
        workers: 0,
        onRecord: () => {},
      }),
    ).rejects.toThrow(/workers/);
  });
});
