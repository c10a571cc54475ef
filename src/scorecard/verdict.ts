/**
 * The verdict on one failure mode, from the records of the requests sent inside its fault window
 * (pure: the runner collects the records, this judges them).
 *
 * - `pass`: every request got a complete, correct answer.
 * - `safe`: some did not, but each such failure was clean and bounded: an HTTP error status
 *   (4xx/5xx; only 4xx when the mode says the client's request was at fault) or an explicit
 *   in-band stream error event, in OpenAI's error shape (`{"error": {"message", "type", "code"}}`,
 *   as the body or the event's data), known within `boundMs` of the request's intended start.
 * - `fail`: anything else: a hang (the client's deadline hit), a truncated answer presented as
 *   success (a stream that ended without `[DONE]` and without an error event), an invalid success
 *   (a 2xx whose body is no completion: an error or a page passed on as success), a masked error (a status the mode does not allow), an error not in OpenAI's shape (SDKs cannot read its reason), a dropped connection (no status,
 *   no error event), an error later than `boundMs`, or the faulted provider hammered (more than
 *   `maxAttemptsOnFaulted` attempts for one request, from the mocks' logs).
 */
import type { RequestRecord } from '../metrics/record.js';
import type { ModeJudging } from './modes.js';

export type Verdict = 'pass' | 'safe' | 'fail';

/** What one request in the window came to. */
export type RequestJudgement =
  | 'complete'
  | 'clean_error'
  | 'hang'
  | 'truncated'
  | 'invalid_success'
  | 'masked_error'
  | 'connection_dropped'
  | 'slow_error'
  | 'not_sent'
  | 'unshaped_error';

const FAILING: ReadonlySet<RequestJudgement> = new Set([
  'hang',
  'truncated',
  'invalid_success',
  'masked_error',
  'connection_dropped',
  'slow_error',
  'not_sent',
  'unshaped_error',
]);

export const JUDGING_DEFAULTS = Object.freeze({ maxAttemptsOnFaulted: 3, errorStatus: 'any' as const });

export interface JudgeOptions {
  /** The provider the fault was on. */
  faulted: string;
  /** A clean error later than this (ms from intended start) is not bounded. */
  boundMs: number;
  judge?: ModeJudging | undefined;
}

export interface ModeJudgement {
  verdict: Verdict;
  /** Requests in the window by what they came to (only kinds that occurred). */
  counts: Partial<Record<RequestJudgement, number>>;
  /** Attempts per provider over the window: total and the most for one request. */
  attempts: Record<string, { total: number; max: number }>;
  /** Requests whose attempts on the faulted provider exceeded the threshold. */
  hammered: number;
  /** Why the verdict is what it is, in words (the evidence column). */
  evidence: string[];
}

/** Judges one request; `options.boundMs` bounds clean errors. */
export function judgeRequest(record: RequestRecord, options: JudgeOptions): RequestJudgement {
  if (record.outcome === 'ok') return 'complete';
  if (record.outcome === 'dropped') return 'not_sent';
  const failure = record.failure ?? 'other';
  if (failure === 'timeout') return 'hang';
  if (failure === 'stream_cut') return 'truncated';
  if (failure === 'bad_body') return 'invalid_success';
  const status = failure.startsWith('status_') ? Number(failure.slice('status_'.length)) : undefined;
  if (status === undefined && failure !== 'stream_error') return 'connection_dropped';
  if (status !== undefined && !statusAllowed(status, options.judge?.errorStatus ?? JUDGING_DEFAULTS.errorStatus)) {
    return 'masked_error';
  }
  // An SDK reads the reason only from OpenAI's shape; a record that did not say is not held against it.
  if (record.errorShape === 'other') return 'unshaped_error';
  return record.endMs - record.intendedMs <= options.boundMs ? 'clean_error' : 'slow_error';
}

function statusAllowed(status: number, allowed: 'any' | '4xx'): boolean {
  return status >= 400 && status < (allowed === '4xx' ? 500 : 600);
}

/** The verdict over the window's records; no request in the window is a `fail` (nothing was shown). */
export function judgeMode(records: readonly RequestRecord[], options: JudgeOptions): ModeJudgement {
  const counts: Partial<Record<RequestJudgement, number>> = {};
  const attempts: Record<string, { total: number; max: number }> = {};
  const limit = options.judge?.maxAttemptsOnFaulted ?? JUDGING_DEFAULTS.maxAttemptsOnFaulted;
  let hammered = 0;
  let mostOnFaulted = 0;
  for (const record of records) {
    const judged = judgeRequest(record, options);
    counts[judged] = (counts[judged] ?? 0) + 1;
    for (const [provider, n] of Object.entries(record.attemptsByProvider ?? {})) {
      const a = (attempts[provider] ??= { total: 0, max: 0 });
      a.total += n;
      a.max = Math.max(a.max, n);
    }
    const onFaulted = record.attemptsByProvider?.[options.faulted] ?? 0;
    mostOnFaulted = Math.max(mostOnFaulted, onFaulted);
    if (onFaulted > limit) hammered++;
  }
  const evidence = Object.entries(counts).map(([kind, n]) => `${n} ${kind.replace(/_/g, ' ')}`);
  if (hammered > 0) {
    evidence.push(`${hammered} request(s) with over ${limit} attempts on ${options.faulted} (up to ${mostOnFaulted})`);
  }
  if (records.length === 0) evidence.push('no request was sent inside the fault window');
  const failing = Object.keys(counts).some((k) => FAILING.has(k as RequestJudgement));
  const verdict: Verdict =
    failing || hammered > 0 || records.length === 0 ? 'fail' : counts.complete === records.length ? 'pass' : 'safe';
  return { verdict, counts, attempts, hammered, evidence };
}
