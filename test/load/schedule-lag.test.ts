import { decodeHistogram } from '../../src/metrics/histogram.js';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runOpenModel, type OpenModelRun } from '../../src/load/open-model.js';
import { LagMonitor } from '../../src/load/schedule-lag.js';
import type { RequestRecord } from '../../src/metrics/record.js';
import { answer, startTestServer, type TestServer } from '../support/http-server.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // block the event loop on purpose
  }
}

async function run(
  blockMs: number,
  lagThresholdMs?: number,
): Promise<{ result: OpenModelRun; records: RequestRecord[] }> {
  server = await startTestServer((req, res) => answer(req, res, 0));
  const records: RequestRecord[] = [];
  const blocker = blockMs > 0 ? setTimeout(() => busy(blockMs), 300) : undefined;
  try {
    const result = await runOpenModel({
      baseUrl: server.url,
      schedule: { kind: 'constant', rate: 200, durationMs: 1000 },
      timeoutMs: 5000,
      maxInFlight: 500,
      model: 'm',
      maxTokens: 8,
      lagThresholdMs,
      onRecord: (r) => records.push(r),
    });
    return { result, records };
  } finally {
    clearTimeout(blocker);
  }
}

describe('schedule lag', () => {
  // The first arrivals of a cold process lag by several ms (JIT, undici compiling llhttp on its
  // first connection); warm up once so the steady-state case measures the steady state.
  beforeAll(async () => {
    await run(0);
    await server?.close();
    server = undefined;
  });

  it('reports a small lag and no warning when the loop keeps up', async () => {
    // Generous: other test files load the same 2 cores; a blocked loop (below) shows > 200 ms.
    const { result, records } = await run(0, 100);
    expect(result.lagWarning, JSON.stringify(result)).toBe(false);
    expect(result.lagThresholdMs).toBe(100);
    expect(result.scheduleLagP99Ms).toBeLessThan(100);
    expect(decodeHistogram(result.scheduleLagHistogram).totalCount).toBe(records.length);
  });

  it('warns when a blocked event loop delays the schedule, and still keeps intended times', async () => {
    const { result, records } = await run(400);
    // 80 of 200 arrivals were due while the loop was blocked: p99 is among them.
    expect(result.scheduleLagP99Ms).toBeGreaterThan(200);
    expect(result.scheduleLagMaxMs).toBeGreaterThanOrEqual(350);
    expect(result.lagWarning).toBe(true);
    expect(result.lagThresholdMs).toBe(5);
    expect(result.eventLoopDelayMaxMs).toBeGreaterThanOrEqual(300);
    expect(records.map((r) => r.intendedMs).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 200 }, (_, i) => i * 5),
    );
    expect(records.filter((r) => r.sentMs - r.intendedMs > 200).length).toBeGreaterThanOrEqual(30);
  });

  it('honours a custom threshold', async () => {
    const { result } = await run(400, 1000);
    expect(result.scheduleLagP99Ms).toBeGreaterThan(200);
    expect(result.lagWarning).toBe(false);
  });

  it('LagMonitor: percentiles of what it was given', () => {
    const monitor = new LagMonitor(2);
    for (let i = 0; i < 98; i++) monitor.record(0.1);
    monitor.record(3);
    monitor.record(10);
    const report = monitor.finish();
    expect(report.scheduleLagP50Ms).toBeCloseTo(0.1, 2);
    expect(report.scheduleLagP99Ms).toBeCloseTo(3, 1);
    expect(report.scheduleLagMaxMs).toBeCloseTo(10, 1);
    expect(report.lagWarning).toBe(true);
  });
});
