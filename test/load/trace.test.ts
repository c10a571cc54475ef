/**
 * Trace replay. The file format (table of bad lines, each named by file, line, field and value;
 * `--records` files accepted as they are), and a real replay: a slice of the sample trace, twice
 * as fast, from two generator threads straight at a mock provider on loopback. The mock's own log
 * must hold exactly the slice's requests: its count, models, stream flags, prompt sizes and answer
 * limits, each arriving at its scaled offset.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigInvalidError } from '../../src/errors.js';
import { parseTrace, readTraceFile } from '../../src/load/trace-file.js';
import { promptOfTokens } from '../../src/load/trace.js';
import { headerLine, recordLine } from '../../src/report/request-lines.js';
import { playScenario } from '../../src/scenario/run/play.js';
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

  it('makes prompts the mocks count as the asked number of tokens (from 6: the marker alone is 5)', () => {
    for (const tokens of [6, 20, 333, 2000]) {
      const text = `${promptOfTokens(tokens)} [relaybench:rb-42]`; // as requestBody sends it
      expect(Math.ceil(text.length / 4)).toBeGreaterThanOrEqual(tokens);
      expect(Math.ceil(text.length / 4)).toBeLessThanOrEqual(tokens + 1);
    }
  });
});

describe('trace replay', () => {
  it('sends exactly the slice, twice as fast, from two threads, as the mock saw it', { timeout: 60_000 }, async () => {
    const file = join(dir, 'replay.yaml');
    await writeFile(
      file,
      `providers: [{ name: a, latency: 5ms }]
target: { kind: direct }
load: { trace: ${SAMPLE}, time_scale: 0.5, duration: 4s, timeout: 3s, workers: 2 }
`,
    );
    const scenario = parseScenario(await readFile(file, 'utf8'), file);
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
      .filter((a) => a.t * 0.5 < 4000);
    expect(scenario.load).toMatchObject({ duration: 4000, rate: slice.length / 4 });

    const outcome = await playScenario(scenario, { keepDetail: true });
    expect(outcome.scheduled).toBe(slice.length);
    expect(outcome.records.filter((r) => r.outcome === 'ok')).toHaveLength(slice.length);
    const seen = outcome.mockLogs!.byProvider.get('a')!;
    expect(seen).toHaveLength(slice.length);
    const bySeq = new Map(seen.map((entry) => [Number(/^rb-(\d+)$/.exec(entry.headerId!)![1]), entry]));
    const late: number[] = [];
    slice.forEach((arrival, seq) => {
      const entry = bySeq.get(seq)!;
      expect(entry).toMatchObject({ model: arrival.model, stream: arrival.stream });
      expect(Math.abs((entry['promptTokens'] as number) - arrival.input_tokens)).toBeLessThanOrEqual(1);
      // The mock answers between half and all of max_tokens.
      expect(entry['completionTokens']).toBeLessThanOrEqual(arrival.output_tokens);
      expect(entry['completionTokens']).toBeGreaterThanOrEqual(Math.ceil(arrival.output_tokens / 2));
      expect(outcome.records[seq]!.intendedMs).toBeCloseTo(arrival.t * 0.5, 6);
      late.push(entry.startedAt! - outcome.mockLogs!.loadStartEpochMs - arrival.t * 0.5);
    });
    // Reached the mock at its scaled offset: generous for a loaded 2-core machine.
    late.sort((x, y) => x - y);
    expect(late[0]).toBeGreaterThan(-5);
    expect(late[Math.floor(late.length / 2)]).toBeLessThan(250);
    const streams = slice.filter((a) => a.stream).length;
    expect(streams / slice.length).toBeGreaterThan(0.2);
    expect(new Set(slice.map((a) => a.model)).size).toBe(3);
  });
});
