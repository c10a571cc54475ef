/**
 * Trace replay. The file format (table of bad lines, each named by file, line, field and value;
 * `--records` files accepted as they are), and a real replay: a slice of the sample trace, four
 * times as fast, from two generator threads straight at a mock provider on loopback. The mock's
 * own log must hold exactly the slice's requests: its count, models, stream flags, prompt sizes
 * and answer limits, each arriving at its scaled offset.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigInvalidError } from '../../src/errors.js';
import { parseTrace, readTraceFile } from '../../src/load/trace-file.js';
import { promptOfTokens, type TraceSpec } from '../../src/load/trace.js';
import { headerLine, recordLine } from '../../src/report/request-lines.js';
import { startMockProvider } from '../../src/mock/provider.js';
import { runOpenModelInWorkers } from '../../src/load/worker-load.js';
import type { RequestRecord } from '../../src/metrics/record.js';
import { parseScenario } from '../../src/scenario/schema/loader.js';

const SAMPLE = join(import.meta.dirname, '../../fixtures/traces/sample.jsonl');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'relaybench-trace-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('trace files', () => {
  it.each([
    ['{"model": "m"}', 't.jsonl:1: t: got nothing, expected a number of ms >= 0 (required)'],
    ['{"t": -5}', 't.jsonl:1: t: got -5, expected a number of ms >= 0 (required)'],
    ['{"t": 1, "model": 7}', 't.jsonl:1: model: got 7, expected a non-empty string'],
    ['{"t": 1, "input_tokens": 0}', 't.jsonl:1: input_tokens: got 0, expected a whole number >= 1'],
    ['{"t": 1, "output_tokens": 2.5}', 't.jsonl:1: output_tokens: got 2.5, expected a whole number >= 1'],
    ['{"t": 1, "stream": "yes"}', 't.jsonl:1: stream: got "yes", expected true or false'],
    ['[1, 2]', 't.jsonl:1: expected a JSON object, got [1,2]'],
    ['{"t": 1', 't.jsonl:1: not JSON'],
  ])('reports %s with its file, line, field and value', (line, message) => {
    expect(() => parseTrace(line, 't.jsonl')).toThrow(ConfigInvalidError);
    expect(() => parseTrace(line, 't.jsonl')).toThrow(message);
  });

  it('names the line of each bad one among good ones, and refuses a trace without arrivals', () => {
    const text = '{"t": 0}\n\n{"t": 5, "stream": 1}\n{"t": 6}\n{"t": "x"}\n';
    expect(() => parseTrace(text, 'mix.jsonl')).toThrow(/mix\.jsonl:3: stream: got 1[^]*mix\.jsonl:5: t: got "x"/);
    expect(() => parseTrace('\n{"kind": "header"}\n', 'empty.jsonl')).toThrow('trace empty.jsonl: no arrivals');
  });

  it('sorts by offset, treats null as absent and reads a gzip --records file as a trace', async () => {
    expect(parseTrace('{"t": 9, "model": null}\n{"t": 2, "stream": true}', 'x')).toEqual([
      { t: 2, stream: true },
      { t: 9 },
    ]);
    const base = { seq: 0, intendedMs: 0, sentMs: 1, endMs: 90, outcome: 'ok' as const, model: 'm', stream: true };
    const lines = [
      headerLine('records', { scenario: 's', variant: null, repeat: null, seed: 1 }),
      recordLine({ ...base, usage: { prompt: 40, completion: 12 } }, null),
      recordLine({ ...base, seq: 1, intendedMs: 25.5, outcome: 'dropped', stream: false }, null),
    ];
    const file = join(dir, 'records.jsonl.gz');
    await writeFile(file, gzipSync(`${lines.join('\n')}\n`));
    expect(readTraceFile(file)).toEqual([
      { t: 0, model: 'm', inputTokens: 40, outputTokens: 12, stream: true },
      { t: 25.5, model: 'm', stream: false },
    ]);
  });

  it('moves with --duration-scale: offsets, length and rate', async () => {
    const file = join(dir, 'scaled.yaml');
    const text = `providers: [{ name: a }]\nload: { trace: ${SAMPLE}, time_scale: 2, duration: 10s }\n`;
    const plain = parseScenario(text, file);
    const { load } = parseScenario(text, file, { durationScale: 0.5 });
    expect(load.schedule).toMatchObject({ kind: 'trace', timeScale: 1 });
    expect(load.duration).toBe(5000);
    expect(load.rate).toBeCloseTo(plain.load.rate * 2, 6);
    expect((load.schedule as TraceSpec).arrivals).toHaveLength((plain.load.schedule as TraceSpec).arrivals.length);
  });

  it('makes prompts the mocks count as the asked number of tokens (from 6: the marker alone is 5)', () => {
    for (const tokens of [6, 20, 333, 2000]) {
      const text = `${promptOfTokens(tokens)} [relaybench:rb-42]`; // as requestBody sends it
      expect(Math.ceil(text.length / 4)).toBeGreaterThanOrEqual(tokens);
      expect(Math.ceil(text.length / 4)).toBeLessThanOrEqual(tokens + 1);
    }
  });
});

describe('trace replay', () => {
  it(
    'sends exactly the slice, four times as fast, from two threads, as the mock saw it',
    { timeout: 30_000 },
    async () => {
      const file = join(dir, 'replay.yaml');
      await writeFile(
        file,
        `providers: [{ name: a }]\nload: { trace: ${SAMPLE}, time_scale: 0.25, duration: 2s, workers: 2 }\n`,
      );
      const { load, seed } = parseScenario(await readFile(file, 'utf8'), file);
      const slice = (await readFile(SAMPLE, 'utf8'))
        .trim()
        .split('\n')
        .map(
          (line) =>
            JSON.parse(line) as {
              t: number;
              model: string;
              input_tokens: number;
              output_tokens: number;
              stream: boolean;
            },
        )
        .filter((a) => a.t * 0.25 < 2000);
      expect(load).toMatchObject({ duration: 2000, rate: slice.length / 2 });

      const mock = await startMockProvider({ name: 'a', latencyMs: 5 });
      let origin = 0;
      const records: RequestRecord[] = [];
      try {
        const run = await runOpenModelInWorkers({
          baseUrl: mock.url,
          schedule: load.schedule as TraceSpec,
          mix: load.mix,
          seed,
          workers: 2,
          timeoutMs: 3000,
          maxInFlight: 100,
          keepHeaders: true, // as --records asks: the headers come back from the threads too
          onStart: (at) => (origin = performance.timeOrigin + at),
          onRecord: (record) => records.push(record),
        });
        expect(run.scheduled).toBe(slice.length);
      } finally {
        await mock.close();
      }
      expect(records.filter((r) => r.outcome === 'ok')).toHaveLength(slice.length);
      for (const r of records) {
        expect(r.headers).toEqual({ 'x-request-id': `rb-${r.seq}`, 'x-mock-provider': 'a' });
        expect(r.headersMs).toBeGreaterThanOrEqual(r.sentMs);
      }
      const seen = mock.control.log.entries();
      expect(seen).toHaveLength(slice.length);
      const bySeq = new Map(seen.map((entry) => [Number(/^rb-(\d+)$/.exec(entry.headerId!)![1]), entry]));
      const intended = new Map(records.map((r) => [r.seq, r.intendedMs]));
      const late: number[] = [];
      slice.forEach((arrival, seq) => {
        const entry = bySeq.get(seq)!;
        expect(entry).toMatchObject({ model: arrival.model, stream: arrival.stream });
        expect(Math.abs(entry.promptTokens - arrival.input_tokens)).toBeLessThanOrEqual(1);
        // The mock answers between half and all of max_tokens.
        expect(entry.completionTokens).toBeLessThanOrEqual(arrival.output_tokens);
        expect(entry.completionTokens).toBeGreaterThanOrEqual(Math.ceil(arrival.output_tokens / 2));
        expect(intended.get(seq)).toBeCloseTo(arrival.t * 0.25, 6);
        late.push(entry.startedAt - origin - arrival.t * 0.25);
      });
      // Reached the mock at its scaled offset, never before it. Generous for a 2-core machine running
      // the whole suite (event-loop delays of 500 ms seen), still far below what an unscaled replay
      // would show (a median of ~3 s late over this slice).
      late.sort((x, y) => x - y);
      expect(late[0]).toBeGreaterThan(-5);
      expect(late[Math.floor(late.length / 2)]).toBeLessThan(1000);
      expect(slice.filter((a) => a.stream).length / slice.length).toBeGreaterThan(0.2);
      expect(new Set(slice.map((a) => a.model)).size).toBe(3);
    },
  );
});
