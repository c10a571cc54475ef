/**
 * A generator (a shard) that starts after the shared start instant: the arrivals that were due
 * before it started are recorded as dropped, never sent in a catch-up burst and never left out;
 * the rest go out on schedule. Threads of a shard split its share further (load-share.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { threadPartition } from '../../src/load/load-share.js';
import { runOpenModel } from '../../src/load/open-model.js';
import type { RequestRecord } from '../../src/metrics/record.js';
import { answer, startTestServer, type TestServer } from '../support/http-server.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('a late start', () => {
  it('drops the arrivals it missed and sends the rest', async () => {
    let served = 0;
    server = await startTestServer((req, res) => {
      served++;
      answer(req, res, 2);
    });
    const records: RequestRecord[] = [];
    const run = await runOpenModel({
      baseUrl: server.url,
      schedule: { kind: 'constant', rate: 100, durationMs: 1000 },
      timeoutMs: 2000,
      maxInFlight: 100,
      model: 'm',
      maxTokens: 8,
      partition: { index: 1, count: 2 },
      originEpochMs: Date.now() - 400, // the shared start was 400 ms ago
      dropMissed: true,
      onRecord: (record) => records.push(record),
    });
    // Shard 1 of 2 owns the odd arrivals: 50 of the 100 in one second.
    expect(run.scheduled).toBe(50);
    expect(records).toHaveLength(50);
    expect(run.lateByMs).toBeGreaterThanOrEqual(400);
    const missed = records.filter((r) => r.intendedMs < run.lateByMs!);
    expect(missed.length).toBe(run.missed);
    expect(run.missed).toBeGreaterThanOrEqual(20); // the odd arrivals of the first 400 ms at least
    expect(missed.every((r) => r.outcome === 'dropped' && r.sentMs === r.intendedMs)).toBe(true);
    const rest = records.filter((r) => r.intendedMs >= run.lateByMs!);
    expect(rest.every((r) => r.outcome === 'ok')).toBe(true);
    expect(served).toBe(rest.length); // nothing missed was sent
  });

  it('an on-time start misses nothing', async () => {
    server = await startTestServer((req, res) => answer(req, res, 2));
    const run = await runOpenModel({
      baseUrl: server.url,
      schedule: { kind: 'constant', rate: 50, durationMs: 200 },
      timeoutMs: 2000,
      maxInFlight: 100,
      model: 'm',
      maxTokens: 8,
      originEpochMs: Date.now() + 1000, // ahead by far more than a loaded machine needs to get there
      dropMissed: true,
      onRecord: () => {},
    });
    expect(run).toMatchObject({ scheduled: 10, missed: 0, lateByMs: 0 });
  });
});

describe('threadPartition', () => {
  it("splits a shard's share over its threads so that together they send exactly it", () => {
    const shard = { index: 1, count: 3 };
    const owners = Array.from({ length: 60 }, (_, seq) =>
      [0, 1].filter((thread) => {
        const p = threadPartition(thread, 2, shard);
        return seq % p.count === p.index;
      }),
    );
    owners.forEach((threads, seq) => expect(threads.length).toBe(seq % 3 === 1 ? 1 : 0));
  });
});
