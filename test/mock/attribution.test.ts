import { describe, expect, it } from 'vitest';
import { markerIn } from '../../src/mock/attribution.js';
import { until } from '../support/until.js';
import { ask, control, DIALECTS, send, start } from './helpers.js';

describe('markerIn', () => {
  it.each([
    ['Reply. [relaybench:r-1]', 'r-1'],
    ['[relaybench:a] then [relaybench:b]', 'b'],
    ['no marker', undefined],
    ['[relaybench:]', undefined],
    ['[relaybench:has space]', undefined],
  ])('%j -> %s', (text, id) => {
    expect(markerIn(text)).toBe(id);
  });
});

describe.each(DIALECTS)('/_mock/log attribution (%s)', (dialect) => {
  it('logs the x-request-id header, or the marker when a relay strips headers', async () => {
    const provider = await start({ name: `log-${dialect}`, dialect, latencyMs: 0 });
    await ask(provider, { text: 'hello [relaybench:from-marker-ignored]' }, { 'x-request-id': 'from-header' });
    await ask(provider, { text: 'hello [relaybench:from-marker]', stream: true });
    await ask(provider, { text: 'no id at all' });
    const before = Date.now();
    const { status, json } = await control(provider.url, 'GET', '/_mock/log');
    expect(status).toBe(200);
    const [byHeader, byMarker, anonymous] = json.entries;
    expect(byHeader).toMatchObject({
      seq: 1,
      id: 'from-header',
      idSource: 'header',
      headerId: 'from-header',
      markerId: 'from-marker-ignored',
      outcome: 'ok',
      status: 200,
      stream: false,
      faults: [],
    });
    expect(byMarker).toMatchObject({
      seq: 2,
      id: 'from-marker',
      idSource: 'marker',
      headerId: null,
      outcome: 'ok',
      stream: true,
    });
    expect(anonymous).toMatchObject({ seq: 3, id: null, idSource: 'none' });
    for (const entry of json.entries) {
      expect(entry.startedAt).toBeLessThanOrEqual(entry.endedAt);
      expect(entry.endedAt).toBeLessThanOrEqual(before);
      expect(entry.completionTokens).toBeGreaterThan(0);
    }
    const since = await control(provider.url, 'GET', '/_mock/log?since=2');
    expect(since.json.entries.map((e: { seq: number }) => e.seq)).toEqual([3]);
  });

  it('logs outcomes of faults, rate limits and bad requests, and tallies them in /_mock/stats', async () => {
    const provider = await start({ name: `stats-${dialect}`, dialect, latencyMs: 0, rateLimit: { rpm: 2 } }); // fault answers take nothing from the buckets
    await ask(provider, { text: '[relaybench:one]' });
    const created = await control(provider.url, 'POST', '/_mock/faults', { kind: 'http_status', status: 503 });
    await ask(provider, { text: '[relaybench:two]' });
    await control(provider.url, 'DELETE', `/_mock/faults/${created.json.id}`);
    await ask(provider, { text: '[relaybench:three]' });
    await ask(provider, { text: '[relaybench:four]' });
    const path =
      dialect === 'gemini'
        ? '/v1beta/models/g:generateContent'
        : dialect === 'anthropic'
          ? '/v1/messages'
          : '/v1/chat/completions';
    await send(provider.url, path, '{not json', { 'x-request-id': 'five' });
    const { json } = await control(provider.url, 'GET', '/_mock/log');
    expect(
      json.entries.map((e: { id: string; outcome: string; status: number }) => [e.id, e.outcome, e.status]),
    ).toEqual([
      ['one', 'ok', 200],
      ['two', 'fault', 503],
      ['three', 'ok', 200],
      ['four', 'rate_limited', 429],
      ['five', 'invalid_request', 400],
    ]);
    const stats = await control(provider.url, 'GET', '/_mock/stats');
    expect(stats.json).toMatchObject({
      name: `stats-${dialect}`,
      dialect,
      requests: 5,
      served: 2,
      inFlight: 0,
      outcomes: { ok: 2, fault: 1, rate_limited: 1, invalid_request: 1 },
      statuses: { 200: 2, 503: 1, 429: 1, 400: 1 },
      faultHits: { http_status: 1 },
    });
    expect(provider.served()).toBe(2);
  });
});

it('logs a client that gave up as client_aborted', async () => {
  const provider = await start({ name: 'gone', latencyMs: 5_000 });
  const controller = new AbortController();
  const pending = fetch(`${provider.url}/v1/chat/completions`, {
    method: 'POST',
    body: JSON.stringify({ messages: [{ role: 'user', content: '[relaybench:quitter]' }] }),
    signal: controller.signal,
  }).catch(() => undefined);
  await until(() => provider.control.stats().inFlight === 1, 5000, 'the request in flight at the mock');
  controller.abort();
  await pending;
  await until(() => provider.control.stats().inFlight === 0, 5000, 'the mock noticing the abort');
  const { json } = await control(provider.url, 'GET', '/_mock/log');
  expect(json.entries).toEqual([expect.objectContaining({ id: 'quitter', outcome: 'client_aborted', status: null })]);
});
