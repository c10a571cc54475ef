/**
 * `--records <path>`: writes a configuration's per-request records and the mocks' request logs
 * as gzip-compressed JSON lines (report/request-lines.ts). A path ending in `.jsonl.gz` is the
 * records file, the mocks' file goes beside it (`run.jsonl.gz` -> `run.mock-requests.jsonl.gz`);
 * any other path is a directory holding `records.jsonl.gz` and `mock-requests.jsonl.gz`.
 * Variants and `--repeat` runs add their name to each file (`records-relay-run-2.jsonl.gz`).
 * Lines are streamed through gzip from the records the run already holds: no second copy.
 */
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { headerLine, mockRequestLine, recordLine, type FileContext } from '../report/request-lines.js';
import type { RunOutcome } from '../scenario/run/play.js';

const SUFFIX = '.jsonl.gz';

/** Where one configuration's files go. */
export function recordsPaths(
  path: string,
  variant: string | undefined,
  repeat: number | undefined,
): { records: string; mocks: string } {
  const label = [variant?.replace(/[^a-z0-9_-]+/gi, '-'), repeat === undefined ? undefined : `run-${repeat}`]
    .filter((part) => part !== undefined && part !== '')
    .join('-');
  const tag = label === '' ? '' : `-${label}`;
  if (path.endsWith(SUFFIX)) {
    const stem = path.slice(0, -SUFFIX.length);
    return { records: `${stem}${tag}${SUFFIX}`, mocks: `${stem}${tag}.mock-requests${SUFFIX}` };
  }
  return { records: join(path, `records${tag}${SUFFIX}`), mocks: join(path, `mock-requests${tag}${SUFFIX}`) };
}

/** Writes both files of one played configuration; resolves with their paths. */
export async function writeRecordsFiles(
  path: string,
  outcome: RunOutcome,
  variant: string | undefined,
  repeat: number | undefined,
): Promise<string[]> {
  const files = recordsPaths(path, variant, repeat);
  const context: FileContext = {
    scenario: outcome.scenario.name,
    variant: variant ?? null,
    repeat: repeat ?? null,
    seed: outcome.scenario.seed,
  };
  await mkdir(dirname(files.records), { recursive: true });
  await writeLines(files.records, recordLines(outcome, context));
  await writeLines(files.mocks, mockLines(outcome, context));
  return [files.records, files.mocks];
}

function* recordLines(outcome: RunOutcome, context: FileContext): Generator<string> {
  const counts = { ok: 0, failed: 0, dropped: 0 };
  for (const record of outcome.records) counts[record.outcome]++;
  yield `${headerLine('records', context, { started_at: outcome.startedAt, scheduled: outcome.scheduled, ...counts })}\n`;
  for (const record of outcome.records) yield `${recordLine(record, context.variant)}\n`;
}

function* mockLines(outcome: RunOutcome, context: FileContext): Generator<string> {
  const logs = outcome.mockLogs;
  const providers = logs === undefined ? [] : [...logs.byProvider.keys()];
  yield `${headerLine('mock-requests', context, { providers })}\n`;
  if (logs === undefined) return;
  for (const [provider, entries] of logs.byProvider)
    for (const entry of entries) yield `${mockRequestLine(provider, entry, logs.loadStartEpochMs, context.variant)}\n`;
}

/** Streams lines through gzip into `file` (backpressure respected: the generator is pulled as gzip drains). */
async function writeLines(file: string, lines: Iterable<string>): Promise<void> {
  await pipeline(Readable.from(lines), createGzip(), createWriteStream(file));
}
