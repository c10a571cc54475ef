/** The verdict per failure mode, on constructed records: pass, safe and each way to fail. */
import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../src/metrics/record.js';
import { judgeMode, judgeRequest, type JudgeOptions } from '../../src/scorecard/verdict.js';

const OPTIONS: JudgeOptions = { faulted: 'primary', boundMs: 8000 };
let seq = 0;

function ok(extra: Partial<RequestRecord> = {}): RequestRecord {
  return {
    seq: seq++,
    intendedMs: 1000,
    sentMs: 1000,
    endMs: 1050,
    outcome: 'ok',
    status: 200,
    attemptsByProvider: { primary: 1, fallback: 1 },
    ...extra,
  };
}

function failed(failure: RequestRecord['failure'], extra: Partial<RequestRecord> = {}): RequestRecord {
  return ok({ outcome: 'failed', failure, ...extra });
}

describe('judgeRequest', () => {
  it.each([
    ['a complete answer', ok(), 'complete'],
    ['an error status', failed('status_503', { status: 503 }), 'clean_error'],
    ['a 4xx status', failed('status_429', { status: 429 }), 'clean_error'],
    ['an in-band stream error event', failed('stream_error', { stream: true }), 'clean_error'],
    ['the client deadline', failed('timeout', { endMs: 11_000 }), 'hang'],
    ['a stream ended without [DONE] or an error event', failed('stream_cut', { stream: true }), 'truncated'],
    ['a 200 with a bad body', failed('bad_body', { status: 200 }), 'invalid_success'],
    ['a connection reset by the gateway', failed('reset'), 'connection_dropped'],
    ['an unclassified transport error', failed('other'), 'connection_dropped'],
    ['an error status later than the bound', failed('status_504', { endMs: 9500 }), 'slow_error'],
    ['a stream error event later than the bound', failed('stream_error', { endMs: 9500 }), 'slow_error'],
    ['a request the harness could not send', ok({ outcome: 'dropped' }), 'not_sent'],
    ["an error status in OpenAI's shape", failed('status_502', { errorShape: 'openai' }), 'clean_error'],
    ['an error status in another shape', failed('status_502', { errorShape: 'other' }), 'unshaped_error'],
    ['a stream error event in another shape', failed('stream_error', { errorShape: 'other' }), 'unshaped_error'],
  ] as const)('%s is %s', (_name, record, expected) => {
    expect(judgeRequest(record, OPTIONS)).toBe(expected);
  });

  it('takes a 5xx for a masked error when the mode allows only 4xx (the client was at fault)', () => {
    const options = { ...OPTIONS, judge: { errorStatus: '4xx' as const } };
    expect(judgeRequest(failed('status_500'), options)).toBe('masked_error');
    expect(judgeRequest(failed('status_400'), options)).toBe('clean_error');
    expect(judgeRequest(failed('status_500'), OPTIONS)).toBe('clean_error');
  });
});

describe('judgeMode', () => {
  it("is fail when an error is clean in every other way but not in OpenAI's shape, and says so", () => {
    const judged = judgeMode(
      [ok(), failed('status_502', { errorShape: 'openai' }), failed('status_502', { errorShape: 'other' })],
      OPTIONS,
    );
    expect(judged.verdict).toBe('fail');
    expect(judged.evidence).toContain('1 unshaped error');
  });

  it('is pass when every request in the window got a complete answer', () => {
    const judged = judgeMode([ok(), ok(), ok()], OPTIONS);
    expect(judged.verdict).toBe('pass');
    expect(judged.counts).toEqual({ complete: 3 });
    expect(judged.attempts).toEqual({ primary: { total: 3, max: 1 }, fallback: { total: 3, max: 1 } });
    expect(judged.evidence).toEqual(['3 complete']);
  });

  it('is safe when the failures are clean and bounded', () => {
    const judged = judgeMode([ok(), failed('status_503'), failed('stream_error')], OPTIONS);
    expect(judged.verdict).toBe('safe');
    expect(judged.counts).toEqual({ complete: 1, clean_error: 2 });
    expect(judged.evidence).toEqual(['1 complete', '2 clean error']);
  });

  it.each([
    ['a hang', failed('timeout')],
    ['a truncated stream presented as success', failed('stream_cut')],
    ['a 200 with a bad body', failed('bad_body')],
    ['a dropped connection', failed('reset')],
    ['a slow error', failed('status_503', { endMs: 20_000 })],
    ['a request not sent', ok({ outcome: 'dropped' })],
  ])('is fail with %s among clean answers', (_name, bad) => {
    const judged = judgeMode([ok(), failed('status_503'), bad], OPTIONS);
    expect(judged.verdict).toBe('fail');
  });

  it('is fail when one request hit the faulted provider more often than the threshold, and says so', () => {
    const hammering = ok({ attemptsByProvider: { primary: 4, fallback: 1 } });
    const judged = judgeMode([ok(), hammering], OPTIONS);
    expect(judged.verdict).toBe('fail');
    expect(judged.hammered).toBe(1);
    expect(judged.attempts['primary']).toEqual({ total: 5, max: 4 });
    expect(judged.evidence).toContain('1 request(s) with over 3 attempts on primary (up to 4)');
    // At the threshold is not hammering; a mode may raise it; attempts elsewhere never count.
    expect(judgeMode([ok({ attemptsByProvider: { primary: 3 } })], OPTIONS).verdict).toBe('pass');
    expect(judgeMode([hammering], { ...OPTIONS, judge: { maxAttemptsOnFaulted: 4 } }).verdict).toBe('pass');
    expect(judgeMode([ok({ attemptsByProvider: { fallback: 9 } })], OPTIONS).verdict).toBe('pass');
  });

  it('is fail when no request fell inside the fault window: nothing was shown', () => {
    const judged = judgeMode([], OPTIONS);
    expect(judged.verdict).toBe('fail');
    expect(judged.evidence).toEqual(['no request was sent inside the fault window']);
  });
});
