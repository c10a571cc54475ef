import { describe, expect, it, vi } from 'vitest';
import type { DialectName } from '../../src/mock/dialect.js';
import type { RunningMockProvider } from '../../src/mock/provider.js';
import { allParse, ask, control, DIALECTS, sseEvents, start, type Answer } from './helpers.js';

async function fault(provider: RunningMockProvider, body: Record<string, unknown>): Promise<string> {
  const res = await control(provider.url, 'POST', '/_mock/faults', body);
  expect(res.status).toBe(201);
  return res.json.id as string;
}

/** The dialect's terminal signal: [DONE], message_stop, or a finishReason. */
function terminated(dialect: DialectName, text: string): boolean {
  const events = sseEvents(text);
  switch (dialect) {
    case 'openai':
      return events.some((e) => e.data === '[DONE]');
    case 'anthropic':
      return events.some((e) => e.event === 'message_stop');
    case 'gemini':
      return events.some((e) => e.data.includes('"finishReason"'));
  }
}

/** The error type or status name a dialect's error body carries. */
function errorType(dialect: DialectName, body: any): string {
  if (dialect === 'anthropic') {
    expect(body.type).toBe('error');
    return body.error.type;
  }
  if (dialect === 'gemini') return body.error.status;
  expect(body.error).toHaveProperty('message');
  return body.error.type;
}

const EXPECTED: Record<DialectName, Record<number, string>> = {
  openai: { 429: 'requests', 500: 'server_error', 502: 'server_error', 503: 'server_error', 529: 'server_error' },
  anthropic: { 429: 'rate_limit_error', 500: 'api_error', 502: 'api_error', 503: 'api_error', 529: 'overloaded_error' },
  gemini: { 429: 'RESOURCE_EXHAUSTED', 500: 'INTERNAL', 502: 'UNAVAILABLE', 503: 'UNAVAILABLE', 529: 'UNAVAILABLE' },
};

describe.each(DIALECTS)('HTTP faults in the %s dialect', (dialect) => {
  const startIt = (extra: Record<string, unknown> = {}) =>
    start({ name: `f-${dialect}`, dialect, latencyMs: 0, ...extra });

  it.each([429, 500, 502, 503, 529])(
    'http_status %i answers that status with the dialect error body',
    async (status) => {
      const provider = await startIt();
      await fault(provider, { kind: 'http_status', status });
      const res = await ask(provider, { maxTokens: 5 });
      expect(res.status).toBe(status);
      expect(errorType(dialect, JSON.parse(res.text))).toBe(EXPECTED[dialect][status]);
      expect(res.headers['retry-after']).toBeUndefined();
    },
  );

  it('http_status 429 with retryAfter carries the delay the dialect way', async () => {
    const provider = await startIt();
    await fault(provider, { kind: 'http_status', status: 429, retryAfter: 7 });
    const res = await ask(provider);
    expect(res.status).toBe(429);
    if (dialect === 'gemini') {
      const details = JSON.parse(res.text).error.details;
      expect(details).toContainEqual({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '7s' });
    } else {
      expect(res.headers['retry-after']).toBe('7');
    }
  });

  it('error_body answers 200 whose JSON body is an error', async () => {
    const provider = await startIt();
    await fault(provider, { kind: 'error_body', status: 529 });
    const res = await ask(provider);
    expect(res.status).toBe(200);
    expect(errorType(dialect, JSON.parse(res.text))).toBe(EXPECTED[dialect][529]);
  });

  it('error_body in a stream is an in-band error event and no terminal event', async () => {
    const provider = await startIt();
    await fault(provider, { kind: 'error_body', status: 500 });
    const res = await ask(provider, { stream: true });
    expect(res.status).toBe(200);
    const last = sseEvents(res.text).at(-1)!;
    if (dialect === 'anthropic') expect(last.event).toBe('error');
    expect(errorType(dialect, JSON.parse(last.data))).toBe(EXPECTED[dialect][500]);
    expect(terminated(dialect, res.text)).toBe(false);
  });

  it('stall delays the first token by ms', async () => {
    const provider = await startIt();
    await fault(provider, { kind: 'stall', ms: 400 });
    const stalled = await ask(provider, { stream: true, maxTokens: 4 });
    expect(stalled.status).toBe(200);
    expect(terminated(dialect, stalled.text)).toBe(true);
    // Headers (and any head events) come at once; the content waits.
    expect(stalled.headersMs).toBeLessThan(300);
    expect(stalled.totalMs).toBeGreaterThanOrEqual(400 * 0.9);
    const json = await ask(provider, { maxTokens: 4 });
    expect(json.totalMs).toBeGreaterThanOrEqual(400 * 0.9);
  });

  it('drip spaces tokens ms apart', async () => {
    const provider = await startIt();
    const plain = await ask(provider, { stream: true, maxTokens: 10 });
    await fault(provider, { kind: 'drip', ms: 40 });
    const dripped = await ask(provider, { stream: true, maxTokens: 10 });
    expect(terminated(dialect, dripped.text)).toBe(true);
    // At least 5 tokens (half of max) -> at least 4 gaps of 40 ms.
    expect(dripped.totalMs).toBeGreaterThanOrEqual(4 * 40 * 0.9);
    expect(dripped.totalMs).toBeGreaterThan(plain.totalMs + 100);
    expect(dripped.chunkTimes.length).toBeGreaterThanOrEqual(5);
  });

  it('cut destroys the socket mid-stream: the client sees a broken end without the terminal event', async () => {
    const provider = await startIt();
    await fault(provider, { kind: 'cut', afterChunks: 2 });
    const res = await ask(provider, { stream: true, maxTokens: 20 });
    expect(res.status).toBe(200);
    expect(res.broken).toBe(true);
    expect(sseEvents(res.text)).toHaveLength(2);
    expect(terminated(dialect, res.text)).toBe(false);
    const log = await control(provider.url, 'GET', '/_mock/log');
    expect(log.json.entries.at(-1)).toMatchObject({ outcome: 'fault', faults: ['cut'] });
  });

  it('malformed slips an unparseable event into an otherwise whole stream', async () => {
    const provider = await startIt();
    const clean = await ask(provider, { stream: true, maxTokens: 6 });
    expect(allParse(clean.text)).toBe(true);
    await fault(provider, { kind: 'malformed', afterChunks: 1 });
    const res = await ask(provider, { stream: true, maxTokens: 6 });
    expect(res.status).toBe(200);
    expect(allParse(res.text)).toBe(false);
    expect(terminated(dialect, res.text)).toBe(true);
  });

  it('stream_stall goes silent after N events with the connection open, then resumes', async () => {
    const provider = await startIt();
    await fault(provider, { kind: 'stream_stall', afterChunks: 2, ms: 400 });
    const res = await ask(provider, { stream: true, maxTokens: 6 });
    expect(res.broken).toBe(false);
    expect(terminated(dialect, res.text)).toBe(true);
    // The whole answer took the stall, and it fell between body chunks: some came before it, the
    // rest after (generous tolerances: a loaded client may see the first chunk late).
    expect(res.totalMs).toBeGreaterThanOrEqual(400 * 0.9);
    expect(res.chunkTimes.at(-1)! - res.chunkTimes[0]!).toBeGreaterThanOrEqual(400 * 0.5);
    const log = await control(provider.url, 'GET', '/_mock/log');
    expect(log.json.entries.at(-1)).toMatchObject({ outcome: 'fault', faults: ['stream_stall'] });
  });

  it('stream_stall with close destroys the socket after the stall, without the terminal event', async () => {
    const provider = await startIt();
    await fault(provider, { kind: 'stream_stall', afterChunks: 2, ms: 200, close: true });
    const res = await ask(provider, { stream: true, maxTokens: 20 });
    expect(res.broken).toBe(true);
    expect(sseEvents(res.text)).toHaveLength(2);
    expect(res.totalMs).toBeGreaterThanOrEqual(200 * 0.9);
    expect(terminated(dialect, res.text)).toBe(false);
  });

  it('no_done sends a complete stream without its terminal event and holds the connection', async () => {
    const provider = await startIt();
    await fault(provider, { kind: 'no_done', holdMs: 300 });
    const res = await ask(provider, { stream: true, maxTokens: 6 });
    expect(res.broken).toBe(false);
    expect(res.totalMs).toBeGreaterThanOrEqual(300 * 0.9);
    const events = sseEvents(res.text);
    expect(events.some((e) => e.data === '[DONE]' || e.event === 'message_stop')).toBe(false);
    // The finish reason is there in every dialect.
    expect(res.text).toMatch(/finish_reason":"stop"|stop_reason":"end_turn"|finishReason":"STOP"/);
  });

  it('wrong_content_type answers 200 text/html', async () => {
    const provider = await startIt();
    await fault(provider, { kind: 'wrong_content_type' });
    for (const stream of [false, true]) {
      const res = await ask(provider, { stream });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.text).toMatch(/^<html>/);
    }
  });
});

describe('fault control', () => {
  it('cut and malformed also break JSON answers', async () => {
    const provider = await start({ name: 'j', latencyMs: 0 });
    const cut = await fault(provider, { kind: 'cut' });
    const res: Answer = await ask(provider);
    expect(res.broken).toBe(true);
    await control(provider.url, 'DELETE', `/_mock/faults/${cut}`);
    await fault(provider, { kind: 'malformed' });
    const bad = await ask(provider);
    expect(bad.broken).toBe(false);
    expect(() => JSON.parse(bad.text)).toThrow();
  });

  it('a window expires on its own', async () => {
    // Only Date is faked (the mock's fault table reads Date.now): sockets and timers stay real.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const provider = await start({ name: 'w', latencyMs: 0 });
      await fault(provider, { kind: 'http_status', status: 503, for: 300 });
      expect((await ask(provider)).status).toBe(503);
      expect((await control(provider.url, 'GET', '/_mock/faults')).json.faults).toHaveLength(1);
      vi.setSystemTime(Date.now() + 299);
      expect((await ask(provider)).status).toBe(503); // still inside its window
      vi.setSystemTime(Date.now() + 1);
      expect((await ask(provider)).status).toBe(200);
      expect((await control(provider.url, 'GET', '/_mock/faults')).json.faults).toEqual([]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('rate 0.5 hits about half the requests, reproducibly for a seed', async () => {
    const run = async (seed: number): Promise<number[]> => {
      const provider = await start({ name: 'half', latencyMs: 0, seed });
      await fault(provider, { kind: 'http_status', status: 500, rate: 0.5 });
      const statuses: number[] = [];
      for (let i = 0; i < 200; i++) statuses.push((await ask(provider, { maxTokens: 1 })).status);
      return statuses;
    };
    const first = await run(11);
    const failed = first.filter((s) => s === 500).length;
    expect(failed).toBeGreaterThan(70);
    expect(failed).toBeLessThan(130);
    expect(first.filter((s) => s === 200).length).toBe(200 - failed);
    expect(await run(11)).toEqual(first);
    expect(await run(12)).not.toEqual(first);
  });

  it('lists, deletes one, clears all, and 404s unknown ids', async () => {
    const provider = await start({ name: 'c', latencyMs: 0 });
    const a = await fault(provider, { kind: 'stall', ms: 1 });
    await fault(provider, { kind: 'drip', ms: 1, rate: 0.25, for: 60_000 });
    const listed = await control(provider.url, 'GET', '/_mock/faults');
    expect(listed.json.faults).toEqual([
      expect.objectContaining({ id: a, kind: 'stall', ms: 1, rate: 1, expiresAt: null }),
      expect.objectContaining({ kind: 'drip', ms: 1, rate: 0.25, for: 60_000, expiresAt: expect.any(String) }),
    ]);
    expect((await control(provider.url, 'DELETE', `/_mock/faults/${a}`)).status).toBe(204);
    expect((await control(provider.url, 'DELETE', `/_mock/faults/${a}`)).status).toBe(404);
    expect((await control(provider.url, 'DELETE', '/_mock/faults')).json).toEqual({ removed: 1 });
    expect((await control(provider.url, 'GET', '/_mock/faults')).json.faults).toEqual([]);
  });

  it.each([
    [{ kind: 'explode' }, /'kind'.*"explode"/],
    [{}, /'kind'.*missing/],
    [{ kind: 'http_status' }, /'status'.*missing/],
    [{ kind: 'http_status', status: 200 }, /'status'.*400\.\.599.*200/],
    [{ kind: 'http_status', status: 429, retryAfter: -1 }, /'retryAfter'.*-1/],
    [{ kind: 'stall', ms: 'soon' }, /'ms'.*"soon"/],
    [{ kind: 'drip', ms: 5, rate: 1.5 }, /'rate'.*1\.5/],
    [{ kind: 'cut', afterChunks: 1.5 }, /'afterChunks'.*1\.5/],
    [{ kind: 'cut', for: 0 }, /'for'.*0/],
    [{ kind: 'stall', ms: 5, status: 500 }, /'status'.*not allowed for kind stall/],
    ['[not json', /not JSON/],
  ])('rejects %j with a 400 naming the field and value', async (body, message) => {
    const provider = await start({ name: 'v', latencyMs: 0 });
    const res = await control(provider.url, 'POST', '/_mock/faults', body);
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ error: expect.stringMatching(message), status: 400 });
    expect((await control(provider.url, 'GET', '/_mock/faults')).json.faults).toEqual([]);
  });
});
