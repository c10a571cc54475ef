/**
 * `mayContinue` (the spend limit's hook) in both load models, on a real loopback target that
 * counts what it receives: once it says no, nothing more is sent, and requests in flight still
 * finish and are recorded (not cut short, not abandoned).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runClosedModel } from '../../src/load/closed-model.js';
import { runOpenModel } from '../../src/load/open-model.js';
import type { RequestRecord } from '../../src/metrics/record.js';
import { answer, startTestServer, type TestServer } from '../support/http-server.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A target answering after `delayMs` that counts the completions it was sent. */
async function counting(delayMs: number): Promise<{ url: string; received: () => number }> {
  let received = 0;
  server = await startTestServer((req, res) => {
    received++;
    answer(req, res, delayMs);
  });
  return { url: server.url, received: () => received };
}

describe('mayContinue', () => {
  it('open model: ends the schedule on the record that says stop; requests in flight finish', async () => {
    const target = await counting(300);
    const records: RequestRecord[] = [];
    const started = performance.now();
    const run = await runOpenModel({
      baseUrl: target.url,
      ratePerSecond: 20,
      durationMs: 10_000,
      timeoutMs: 5000,
      maxInFlight: 100,
      model: 'm',
      maxTokens: 4,
      interruptGraceMs: 50, // an interrupt would cut the 300 ms answers: this must not be one
      onRecord: (r) => records.push(r),
      mayContinue: () => records.length < 3,
    });
    // The third answer lands at ~100 + 300 ms: arrivals up to then (~9) were sent, no later one;
    // the bound allows for a loaded machine (the full schedule would be 200).
    expect(run.interrupted).toBe(false);
    expect(run.scheduled).toBe(target.received());
    expect(records).toHaveLength(run.scheduled);
    expect(records.every((r) => r.outcome === 'ok')).toBe(true);
    expect(run.scheduled).toBeGreaterThanOrEqual(7);
    expect(run.scheduled).toBeLessThanOrEqual(30);
    expect(performance.now() - started).toBeLessThan(5000); // not the 10 s schedule
  });

  it('open model: a limit already reached sends nothing', async () => {
    const target = await counting(0);
    const run = await runOpenModel({
      baseUrl: target.url,
      ratePerSecond: 20,
      durationMs: 2000,
      timeoutMs: 1000,
      maxInFlight: 10,
      model: 'm',
      maxTokens: 4,
      onRecord: () => {},
      mayContinue: () => false,
    });
    expect(run.scheduled).toBe(0);
    expect(target.received()).toBe(0);
  });

  it('closed model: every connection finishes its request in flight, then closes without sending another', async () => {
    const target = await counting(100);
    const records: RequestRecord[] = [];
    const run = await runClosedModel({
      baseUrl: target.url,
      connections: 4,
      durationMs: 10_000,
      timeoutMs: 5000,
      model: 'm',
      maxTokens: 4,
      onRecord: (r) => records.push(r),
      mayContinue: () => records.length < 10,
    });
    expect(run.interrupted).toBe(false);
    expect(run.abandoned).toBe(0);
    // At the tenth record the other three connections each had one request in flight: 13 at most.
    expect(records.length).toBe(target.received());
    expect(records.length).toBeGreaterThanOrEqual(10);
    expect(records.length).toBeLessThanOrEqual(13);
    expect(records.every((r) => r.outcome === 'ok')).toBe(true);
  });
});
