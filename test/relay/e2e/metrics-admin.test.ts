/**
 * Front door: `/metrics` stays bounded and informative, and can be closed to strangers. A model
 * name a client makes up is counted as `unknown` (no new series per name); request-duration and
 * overhead histograms and the process metrics are exported; with `auth.adminKeys` configured,
 * `/metrics` and `/relay/events` answer 401 without one of those keys while the other routes and
 * completions are unaffected.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { hashToken } from '../../../src/relay/front-door/auth.js';
import { chatBody, closeAll, onCleanup, openaiAny, startTestRelay, startUpstream } from './support.js';

afterEach(closeAll);

const ADMIN_TOKEN = 'admin-token-for-tests';

async function relayWith(auth: Record<string, unknown> = {}) {
  const upstream = await startUpstream(openaiAny('hello'));
  return startTestRelay({
    auth,
    providers: [{ name: 'up', dialect: 'openai', baseUrl: `${upstream.origin}/v1` }],
    models: { gpt: { chain: [{ provider: 'up', model: 'm' }] } },
  });
}

describe('/metrics', () => {
  it('labels only configured models; any other requested name counts as unknown', async () => {
    const relay = await relayWith();
    expect((await relay.chat(chatBody('gpt'))).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await relay.chat(chatBody(`made-up-model-${i}`))).status).toBe(404);
    const text = (await relay.get('/metrics')).text;
    expect(text).toContain('relay_requests_total{model="gpt",status="200"} 1');
    expect(text).toContain('relay_requests_total{model="unknown",status="404"} 5');
    expect(text).not.toContain('made-up-model');
  });

  it('exports request-duration and overhead histograms (JSON and streams) and process metrics', async () => {
    const relay = await relayWith();
    expect((await relay.chat(chatBody('gpt'))).status).toBe(200);
    expect((await relay.stream(chatBody('gpt', { stream: true }))).status).toBe(200);
    expect((await relay.chat(chatBody('nope'))).status).toBe(404);
    const text = (await relay.get('/metrics')).text;
    expect(text).toMatch(/^relay_request_duration_seconds_count 3$/m);
    expect(text).toMatch(/^relay_request_duration_seconds_bucket\{le="\+Inf"\} 3$/m);
    expect(text).toMatch(/^relay_overhead_seconds_count 2$/m);
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_p99_seconds \d/m);
  });
});

describe('auth.adminKeys', () => {
  it('guard /metrics and /relay/events; health, models and completions stay open', async () => {
    const relay = await relayWith({ adminKeys: [{ id: 'ops', sha256: hashToken(ADMIN_TOKEN) }] });
    for (const path of ['/metrics', '/relay/events']) {
      const refused = await relay.get(path);
      expect(refused.status).toBe(401);
      expect(refused.json().error).toMatchObject({ code: 'invalid_api_key' });
      expect(refused.text).not.toContain('relay_requests_total');
    }
    const wrong = await fetchWith(relay.url, '/metrics', 'not-the-admin-token');
    expect(wrong.status).toBe(401);
    const metrics = await fetchWith(relay.url, '/metrics', ADMIN_TOKEN);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('relay_in_flight');
    expect((await fetchWith(relay.url, '/relay/events', ADMIN_TOKEN)).status).toBe(200);
    expect((await relay.get('/health')).status).toBe(200);
    expect((await relay.get('/v1/models')).status).toBe(200);
    expect((await relay.chat(chatBody('gpt'))).status).toBe(200); // no client keys: completions are open
  });

  it('are refused in the config when the hash is not 64 hex characters', async () => {
    await expect(relayWith({ adminKeys: [{ id: 'ops', sha256: ADMIN_TOKEN }] })).rejects.toThrow(
      /auth\.adminKeys\[0\]\.sha256/,
    );
  });
});

async function fetchWith(url: string, path: string, token: string): Promise<Response> {
  const controller = new AbortController();
  onCleanup(async () => controller.abort());
  return fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
}
