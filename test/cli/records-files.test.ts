/**
 * `--records`: a real run (our relay, two real mocks on loopback, a 429 + Retry-After window on the
 * primary) written as gzip JSON lines: one line per scheduled request whose outcomes add up to the
 * result's counts, and the mocks' own logs, which hold exactly the requests the relay says it made
 * and show no request reaching the primary while the relay reports it cooling down.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordsPaths, writeRecordsFiles } from '../../src/cli/records-files.js';
import { measureScenario } from '../../src/scenario/run/measure.js';
import type { RunOutcome } from '../../src/scenario/run/play.js';
import type { RunResult } from '../../src/scenario/result/result.js';
import { parseScenario } from '../../src/scenario/schema/loader.js';

type Line = Record<string, unknown>;
const readLines = async (file: string): Promise<Line[]> =>
  gunzipSync(await readFile(file))
    .toString('utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as Line);

const RECORD_FIELDS = [
  'seq',
  'variant',
  't',
  'sent_ms',
  'first_byte_ms',
  'first_token_ms',
  'end_ms',
  'outcome',
  'failure',
  'status',
  'error_code',
  'provider',
  'replica',
  'attempts',
  'attempts_by_provider',
  'model',
  'stream',
  'input_tokens',
  'output_tokens',
  'chunks',
  'schedule_lag_ms',
  'client',
  'headers',
];

let dir: string;
let outcome: RunOutcome;
let result: RunResult;
let records: Line[];
let mocks: Line[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'relaybench-records-'));
  const scenario = parseScenario(
    `name: records-test
providers: [{ name: primary, latency: 5ms }, { name: backup, latency: 5ms }]
load: { rate: 40/s, duration: 2s, timeout: 2s, mix: { stream_ratio: 0.5, max_tokens: 8 } }
faults:
  - { provider: primary, type: http_status, status: 429, retry_after: 1s, at: 500ms, for: 200ms }
`,
    'records-test.yaml',
  );
  result = await measureScenario(scenario, {
    keepDetail: true,
    onOutcome: async (played, variant) => {
      outcome = played;
      await writeRecordsFiles(dir, played, variant, undefined);
    },
  });
  records = await readLines(join(dir, 'records.jsonl.gz'));
  mocks = await readLines(join(dir, 'mock-requests.jsonl.gz'));
}, 60_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('--records files', () => {
  it('hold a versioned header and one line per scheduled request, outcomes summing to the counts', () => {
    const [header, ...lines] = records;
    expect(header).toMatchObject({ kind: 'header', format: 'relaybench-records', version: 1, scheduled: 80 });
    const { aggregates } = result;
    expect(lines).toHaveLength(aggregates.scheduled);
    expect(lines.map((l) => l.seq)).toEqual(Array.from({ length: 80 }, (_, i) => i));
    for (const line of lines) expect(Object.keys(line)).toEqual(RECORD_FIELDS);
    const count = (outcome: string): number => lines.filter((l) => l.outcome === outcome).length;
    expect([count('ok'), count('failed'), count('dropped')]).toEqual([
      aggregates.ok,
      aggregates.failed,
      aggregates.dropped,
    ]);
    expect(aggregates.ok).toBe(80); // the relay fails over the 429s
    const first = lines[0]!;
    expect(first.t).toBe(0);
    expect(first.headers).toMatchObject({ 'x-request-id': 'rb-0', 'x-relay-provider': first.provider });
    // Headers first, then the first token, then the end: each on the load clock.
    for (const l of lines.filter((line) => line.outcome === 'ok')) {
      expect(l.first_byte_ms as number).toBeGreaterThanOrEqual(l.sent_ms as number);
      expect(l.end_ms as number).toBeGreaterThanOrEqual(l.first_byte_ms as number);
      if (l.stream === true) expect(l.first_token_ms as number).toBeGreaterThanOrEqual(l.first_byte_ms as number);
    }
    const streamed = lines.filter((l) => l.stream === true);
    expect(streamed.length).toBeGreaterThan(20);
    expect(streamed.every((l) => typeof l.first_token_ms === 'number' && (l.chunks as number) >= 4)).toBe(true);
    expect(lines.every((l) => (l.output_tokens as number) >= 4 && (l.output_tokens as number) <= 8)).toBe(true);
    expect(lines.some((l) => l.provider === 'backup' && (l.attempts as number) >= 2)).toBe(true);
  });

  it('export exactly the requests the mocks saw, tied to the records, none to a cooling provider', () => {
    const [header, ...entries] = mocks;
    expect(header).toMatchObject({ format: 'relaybench-mock-requests', version: 1 });
    expect([...(header!.providers as string[])].sort()).toEqual(['backup', 'primary']);
    // Every upstream attempt the relay reports is one mock entry, and each names its record.
    const attempts = records.slice(1).reduce((sum, l) => sum + (l.attempts as number), 0);
    expect(entries).toHaveLength(attempts);
    for (const entry of entries) expect(records[(entry.seq as number) + 1]!.seq).toBe(entry.seq);
    const primary = entries.filter((e) => e.provider === 'primary');
    const limited = primary.filter((e) => e.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    const cooldowns = (outcome.relayEvents ?? []).filter(
      (e) => e.type === 'cooldown' && e.target.startsWith('primary/'),
    );
    expect(cooldowns.length).toBeGreaterThan(0);
    for (const cooldown of cooldowns) {
      if (cooldown.type !== 'cooldown') continue;
      expect(cooldown.untilMs - cooldown.atMs).toBeGreaterThan(900);
      // A request already on its way when the cooldown began may reach a mock starved of CPU on a
      // loaded machine long after (measured: 350 ms), so the check starts 250 ms in.
      const during = primary.filter(
        (e) => (e.start_ms as number) > cooldown.atMs + 250 && (e.start_ms as number) < cooldown.untilMs - 20,
      );
      expect(during).toEqual([]);
    }
    // The primary served again after its cooldown: the check above was not vacuous.
    expect(primary.some((e) => e.status === 200 && (e.start_ms as number) > cooldowns[0]!.atMs + 900)).toBe(true);
  });

  it('name files per variant and repeat, beside a .jsonl.gz path or in a directory', () => {
    expect(recordsPaths('out/run.jsonl.gz', undefined, undefined)).toEqual({
      records: 'out/run.jsonl.gz',
      mocks: 'out/run.mock-requests.jsonl.gz',
    });
    expect(recordsPaths('out/run.jsonl.gz', 'relay fast', 2)).toEqual({
      records: 'out/run-relay-fast-run-2.jsonl.gz',
      mocks: 'out/run-relay-fast-run-2.mock-requests.jsonl.gz',
    });
    expect(recordsPaths('out', 'direct', undefined)).toEqual({
      records: 'out/records-direct.jsonl.gz',
      mocks: 'out/mock-requests-direct.jsonl.gz',
    });
  });
});
