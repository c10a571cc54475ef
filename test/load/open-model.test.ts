import { afterEach, describe, expect, it } from 'vitest';
import { runOpenModel, type OpenModelOptions } from '../../src/load/open-model.js';
import { latencyMicros, type RequestRecord } from '../../src/metrics/record.js';
import { answer, startTestServer, type TestServer } from '../support/http-server.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function drive(
  options: Partial<OpenModelOptions> & { baseUrl: string },
): Promise<{ records: RequestRecord[]; scheduled: number; interrupted: boolean }> {
  const records: RequestRecord[] = [];
  const run = await runOpenModel({
    ratePerSecond: 20,
    durationMs: 1000,
    timeoutMs: 5000,
    maxInFlight: 1000,
    model: 'm',
    maxTokens: 16,
    onRecord: (r) => records.push(r),
    ...options,
  });
  expect(records).toHaveLength(run.scheduled); // every scheduled request has exactly one record
  expect(new Set(records.map((r) => r.seq)).size).toBe(run.scheduled);
  return { records, ...run };
}

const latencyMs = (r: RequestRecord): number => latencyMicros(r) / 1000;

describe('open-model load', () => {
  it('schedules rate x duration requests and measures a fixed 200 ms service', async () => {
    server = await startTestServer((req, res) =>
      answer(req, res, 200, { 'x-relay-provider': 'p1', 'x-relay-attempts': '1' }),
    );
    const { records, scheduled } = await drive({ baseUrl: server.url, ratePerSecond: 20, durationMs: 2000 });
    expect(scheduled).toBe(40);
    expect(records.every((r) => r.outcome === 'ok' && r.provider === 'p1' && r.attempts === 1)).toBe(true);
    const sorted = records.map(latencyMs).sort((a, b) => a - b);
    const p50 = sorted[Math.floor(sorted.length / 2)]!;
    expect(p50).toBeGreaterThanOrEqual(195);
    expect(p50).toBeLessThan(400);
  });

  it('counts latency from the intended start, so a stall shows in every request it delayed', async () => {
    // Every request that arrives during the first 1000 ms is held until t = 1000 ms.
    const start = Date.now();
    server = await startTestServer((req, res) => answer(req, res, Math.max(0, 1000 - (Date.now() - start))));
    const { records } = await drive({ baseUrl: server.url, ratePerSecond: 100, durationMs: 1500 });
    const slow = records.filter((r) => latencyMs(r) >= 500);
    // ~50 requests were due in the first 500 ms; a closed-loop client would report only a handful.
    expect(slow.length).toBeGreaterThanOrEqual(35);
  });

  it('drops arrivals beyond maxInFlight instead of delaying them', async () => {
    server = await startTestServer((req, res) => answer(req, res, 600));
    const { records } = await drive({ baseUrl: server.url, ratePerSecond: 50, durationMs: 1000, maxInFlight: 5 });
    const dropped = records.filter((r) => r.outcome === 'dropped');
    expect(dropped.length).toBeGreaterThanOrEqual(20);
    expect(records.filter((r) => r.outcome === 'ok').length).toBeGreaterThanOrEqual(5);
    expect(dropped.every((r) => r.endMs === r.intendedMs)).toBe(true);
  });

  it.each([
    ['timeout', (_req: unknown, _res: unknown) => {}],
    ['reset', (req: { socket: { resetAndDestroy(): void } }) => req.socket.resetAndDestroy()],
    [
      'status_503',
      (req: { resume(): void }, res: { writeHead(s: number): void; end(b: string): void }) => {
        req.resume();
        res.writeHead(503);
        res.end('{"error":{"message":"down"}}');
      },
    ],
    [
      'bad_body',
      (req: { resume(): void }, res: { writeHead(s: number): void; end(b: string): void }) => {
        req.resume();
        res.writeHead(200);
        res.end('{"choices":[]}');
      },
    ],
  ] as const)('classifies %s failures', async (kind, handler) => {
    server = await startTestServer(handler as never);
    const { records } = await drive({ baseUrl: server.url, ratePerSecond: 10, durationMs: 300, timeoutMs: 300 });
    expect(records.length).toBe(3);
    expect(records.every((r) => r.outcome === 'failed' && r.failure === kind)).toBe(true);
    if (kind === 'timeout') expect(records.every((r) => latencyMs(r) >= 290 && latencyMs(r) < 1500)).toBe(true);
  });

  it('classifies a refused connection', async () => {
    const closed = await startTestServer(() => {});
    const url = closed.url;
    await closed.close();
    const { records } = await drive({ baseUrl: url, ratePerSecond: 10, durationMs: 200 });
    expect(records.every((r) => r.outcome === 'failed' && r.failure === 'connect')).toBe(true);
  });

  it('stops on abort and still accounts for every scheduled request', async () => {
    server = await startTestServer((req, res) => answer(req, res, 50));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 500);
    const { records, scheduled, interrupted } = await drive({
      baseUrl: server.url,
      ratePerSecond: 50,
      durationMs: 10_000,
      signal: controller.signal,
    });
    expect(interrupted).toBe(true);
    expect(scheduled).toBeGreaterThan(10);
    expect(scheduled).toBeLessThan(100);
    expect(records.filter((r) => r.outcome === 'ok').length).toBeGreaterThan(10);
  });
});
