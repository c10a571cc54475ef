/**
 * `--records`: one JSON line per scheduled request, and one per request a mock provider saw, for
 * anyone to re-analyse a run. Times are milliseconds from the start of the recorded load (the
 * intended start of request 0 is about 0). Every record line carries every field, `null` when it
 * does not apply; the first line of each file is a header naming the format and its version.
 * A records file is also a trace (load/trace-file.ts): `t`, `model`, `input_tokens`,
 * `output_tokens` and `stream` mean the same in both.
 */
import type { RequestRecord } from '../metrics/record.js';
import { harnessSeq, type LogEntry } from '../scenario/run/mock-log.js';

/** Bumped when a field changes meaning or goes away (new fields do not bump it). */
export const RECORDS_VERSION = 1;

export interface FileContext {
  scenario: string;
  variant: string | null;
  /** 1-based run of `--repeat`; null for a single run. */
  repeat: number | null;
  seed: number;
}

/** The first line of a records or mock-requests file. */
export function headerLine(format: 'records' | 'mock-requests', context: FileContext, extra = {}): string {
  return JSON.stringify({
    kind: 'header',
    format: `relaybench-${format}`,
    version: RECORDS_VERSION,
    ...context,
    ...extra,
  });
}

const round = (ms: number): number => Math.round(ms * 1000) / 1000; // microsecond precision is plenty

/** One scheduled request as a line (no newline). */
export function recordLine(record: RequestRecord, variant: string | null): string {
  return JSON.stringify({
    seq: record.seq,
    variant,
    t: round(record.intendedMs),
    sent_ms: record.outcome === 'dropped' ? null : round(record.sentMs),
    first_byte_ms: record.headersMs === undefined ? null : round(record.headersMs),
    first_token_ms: record.firstTokenMs === undefined ? null : round(record.firstTokenMs),
    end_ms: round(record.endMs),
    outcome: record.outcome,
    failure: record.failure ?? null,
    status: record.status ?? null,
    error_code: record.errorCode ?? null,
    provider: record.provider ?? null,
    replica: record.replica ?? null,
    attempts: record.attempts ?? null,
    attempts_by_provider: record.attemptsByProvider ?? null,
    model: record.model ?? null,
    stream: record.stream ?? null,
    input_tokens: record.usage?.prompt ?? null,
    output_tokens: record.usage?.completion ?? null,
    chunks: record.chunks ?? null,
    schedule_lag_ms: record.outcome === 'dropped' ? null : round(record.sentMs - record.intendedMs),
    client: record.client ?? null,
    headers: record.headers ?? null,
  });
}

/** One request a mock saw as a line: its own fields, placed on load time and tied to the harness's `seq`. */
export function mockRequestLine(
  provider: string,
  entry: LogEntry,
  loadStartEpochMs: number,
  variant: string | null,
): string {
  const onLoadTime = (epochMs: unknown): number | null =>
    typeof epochMs === 'number' ? round(epochMs - loadStartEpochMs) : null;
  return JSON.stringify({
    provider,
    variant,
    seq: harnessSeq(entry) ?? null,
    mock_seq: entry.seq,
    id: entry.id,
    start_ms: onLoadTime(entry.startedAt),
    end_ms: onLoadTime(entry.endedAt),
    status: entry.status,
    outcome: entry.outcome,
    model: entry['model'] ?? null,
    stream: entry['stream'] ?? null,
    prompt_tokens: entry['promptTokens'] ?? null,
    completion_tokens: entry['completionTokens'] ?? null,
    faults: entry['faults'] ?? [],
    key_tail: entry['keyTail'] ?? null,
  });
}
