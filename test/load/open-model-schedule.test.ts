import { afterEach, describe, expect, it } from 'vitest';
import { runOpenModel } from '../../src/load/open-model.js';
import { createSchedule, type ScheduleSpec } from '../../src/load/schedule.js';
import { LoadOptionError } from '../../src/load/load-errors.js';
import type { RequestRecord } from '../../src/metrics/record.js';
import { answer, startTestServer, type TestServer } from '../support/http-server.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('open-model generator driven by schedules and mixes', () => {
  it.each<[string, ScheduleSpec]>([
    ['poisson', { kind: 'poisson', rate: 100, durationMs: 1000 }],
    ['spike', { kind: 'spike', rate: 20, factor: 10, atMs: 300, forMs: 200, durationMs: 1000 }],
    [
      'ramping',
      {
        kind: 'ramping',
        startRate: 0,
        stages: [
          { duration: 500, target: 200 },
          { duration: 500, target: 0 },
        ],
      },
    ],
  ])("%s: one record per arrival, at the schedule's intended times", async (_name, schedule) => {
    server = await startTestServer((req, res) => answer(req, res, 10));
    const records: RequestRecord[] = [];
    const run = await runOpenModel({
      baseUrl: server.url,
      schedule,
      seed: 5,
      timeoutMs: 5000,
      maxInFlight: 1000,
      model: 'm',
      maxTokens: 8,
      onRecord: (r) => records.push(r),
    });
    const expected = [...createSchedule(schedule, 5)];
    expect(run.scheduled).toBe(expected.length);
    expect(records.sort((a, b) => a.seq - b.seq).map((r) => r.intendedMs)).toEqual(expected);
    expect(records.every((r) => r.outcome === 'ok')).toBe(true);
  });

  it('draws the mix for every arrival, dropped ones included, and records it', async () => {
    server = await startTestServer((req, res) => answer(req, res, 400));
    const records: RequestRecord[] = [];
    const mix = {
      models: [
        { value: 'a', weight: 1 },
        { value: 'b', weight: 1 },
      ],
      maxTokens: 8,
    };
    await runOpenModel({
      baseUrl: server.url,
      ratePerSecond: 100,
      durationMs: 500,
      timeoutMs: 5000,
      maxInFlight: 5,
      mix,
      seed: 3,
      onRecord: (r) => records.push(r),
    });
    const dropped = records.filter((r) => r.outcome === 'dropped');
    expect(dropped.length).toBeGreaterThan(20);
    expect(dropped.every((r) => r.model === 'a' || r.model === 'b')).toBe(true);
    expect(records.every((r) => r.stream === false)).toBe(true);
    const again: RequestRecord[] = [];
    await runOpenModel({
      baseUrl: server.url,
      ratePerSecond: 100,
      durationMs: 500,
      timeoutMs: 5000,
      maxInFlight: 1000,
      mix,
      seed: 3,
      onRecord: (r) => again.push(r),
    });
    const bySeq = (rs: RequestRecord[]): Array<string | undefined> =>
      rs.sort((x, y) => x.seq - y.seq).map((r) => r.model);
    expect(bySeq(again)).toEqual(bySeq(records)); // same seed, same models, whatever was dropped
  });

  it('rejects missing options before sending anything', async () => {
    await expect(
      runOpenModel({
        baseUrl: 'http://127.0.0.1:9',
        timeoutMs: 1,
        maxInFlight: 1,
        model: 'm',
        maxTokens: 1,
        onRecord: () => {},
      }),
    ).rejects.toThrowError(LoadOptionError);
    await expect(
      runOpenModel({
        baseUrl: 'http://127.0.0.1:9',
        ratePerSecond: 1,
        durationMs: 1,
        timeoutMs: 1,
        maxInFlight: 1,
        onRecord: () => {},
      }),
    ).rejects.toThrowError(/load option mix/);
  });
});
