import { Agent, request } from 'undici';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startMockProvider, type RunningMockProvider } from '../../src/mock/openai-provider.js';
import { parseRelayConfig, type RelayTargetConfig } from '../../src/relay/config.js';
import { startRelay, type RunningRelay } from '../../src/relay/server.js';
import {
  answer,
  completion,
  resetBeforeHeaders,
  resetMidBody,
  stall,
  startStub,
  type Stub,
  type StubBehaviour,
} from './stub-upstream.js';

const client = new Agent({ keepAliveTimeout: 10_000 });
const closers: Array<() => Promise<void>> = [];

afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});
afterAll(() => client.close());

async function mock(name: string): Promise<RunningMockProvider> {
  const provider = await startMockProvider({ name, latencyMs: 5 });
  closers.push(provider.close);
  return provider;
}

async function stub(behaviour: StubBehaviour): Promise<Stub> {
  const server = await startStub(behaviour);
  closers.push(server.close);
  return server;
}

/** A base URL nobody listens on: a provider started and closed again. */
async function refusedUrl(): Promise<string> {
  const provider = await startMockProvider({ name: 'gone' });
  await provider.close();
  return `${provider.url}/v1`;
}

async function relay(targets: RelayTargetConfig[], attemptTimeoutMs = 5_000): Promise<RunningRelay> {
  const running = await startRelay(parseRelayConfig({ attemptTimeoutMs, targets }));
  closers.push(running.close);
  return running;
}

async function chat(
  url: string,
  body: unknown = { model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'hi' }] },
  signal?: AbortSignal,
) {
  const res = await request(`${url}/v1/chat/completions`, {
    dispatcher: client,
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-request-id': 'test-rid' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal,
  });
  const text = await res.body.text();
  return { status: res.statusCode, header: (name: string) => res.headers[name], text, json: () => JSON.parse(text) };
}

const upstream = (name: string, baseUrl: string): RelayTargetConfig => ({ name, baseUrl });

/** Fails unless `promise` settles within `ms` (generous: the machine is noisy). */
async function within(promise: Promise<unknown>, ms: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  try {
    await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

describe('relay fallback chain', () => {
  it('serves from the primary while it is healthy', async () => {
    const [primary, fallback] = await Promise.all([mock('primary'), mock('fallback')]);
    const front = await relay([upstream('primary', `${primary.url}/v1`), upstream('fallback', `${fallback.url}/v1`)]);

    const res = await chat(front.url);
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ object: 'chat.completion', choices: [{ message: { role: 'assistant' } }] });
    expect(res.header('x-relay-provider')).toBe('primary');
    expect(res.header('x-relay-attempts')).toBe('1');
    expect(res.header('x-request-id')).toBe('test-rid');
    const overhead = String(res.header('x-relay-overhead-ms'));
    expect(overhead).toMatch(/^\d+\.\d{2}$/);
    expect(Number(overhead)).toBeLessThan(1_000);
    expect([primary.served(), fallback.served()]).toEqual([1, 0]);
  });

  it('fails over when the primary refuses connections', async () => {
    const fallback = await mock('fallback');
    const front = await relay([upstream('primary', await refusedUrl()), upstream('fallback', `${fallback.url}/v1`)]);

    const res = await chat(front.url);
    expect(res.status).toBe(200);
    expect(res.header('x-relay-provider')).toBe('fallback');
    expect(res.header('x-relay-attempts')).toBe('2');
    expect(fallback.served()).toBe(1);
  });

  it.each([429, 500, 503])('fails over when the primary answers %i', async (status) => {
    const primary = await stub(
      answer(status, { error: { message: 'nope', type: 'server_error' } }, { 'retry-after': '3' }),
    );
    const fallback = await mock('fallback');
    const front = await relay([upstream('primary', primary.baseUrl), upstream('fallback', `${fallback.url}/v1`)]);

    const res = await chat(front.url);
    expect(res.status).toBe(200);
    expect(res.header('x-relay-provider')).toBe('fallback');
    expect(res.header('x-relay-attempts')).toBe('2');
    expect(primary.requests).toHaveLength(1);
  });

  it('fails over when the primary answers 200 with an error body', async () => {
    const primary = await stub(answer(200, { error: { message: 'overloaded', type: 'server_error' } }));
    const fallback = await mock('fallback');
    const front = await relay([upstream('primary', primary.baseUrl), upstream('fallback', `${fallback.url}/v1`)]);

    const res = await chat(front.url);
    expect(res.header('x-relay-provider')).toBe('fallback');
    expect(res.json().object).toBe('chat.completion');
  });

  it.each([
    ['before any header', resetBeforeHeaders],
    ['in the middle of the body', resetMidBody],
  ])('fails over when the primary resets the connection %s', async (_when, behaviour) => {
    const primary = await stub(behaviour);
    const fallback = await mock('fallback');
    const front = await relay([upstream('primary', primary.baseUrl), upstream('fallback', `${fallback.url}/v1`)]);

    const res = await chat(front.url);
    expect(res.status).toBe(200);
    expect(res.header('x-relay-provider')).toBe('fallback');
    expect(res.header('x-relay-attempts')).toBe('2');
  });

  it('fails over when the primary stalls past attemptTimeoutMs, and aborts the stalled call', async () => {
    const primary = await stub(stall);
    const fallback = await mock('fallback');
    const front = await relay([upstream('primary', primary.baseUrl), upstream('fallback', `${fallback.url}/v1`)], 300);

    const started = performance.now();
    const res = await chat(front.url);
    const elapsed = performance.now() - started;
    expect(res.status).toBe(200);
    expect(res.header('x-relay-provider')).toBe('fallback');
    expect(res.header('x-relay-attempts')).toBe('2');
    expect(elapsed).toBeGreaterThanOrEqual(300 * 0.9);
    expect(elapsed).toBeLessThan(5_000);
    // The timed-out attempt's socket is closed, not left hanging.
    await within(primary.clientGone, 2_000, 'closing the timed-out upstream socket');
  });

  it('passes a 400 from the primary through without failing over', async () => {
    const error = {
      error: {
        message: "Invalid value for 'temperature': must be at most 2.",
        type: 'invalid_request_error',
        param: 'temperature',
        code: 'invalid_value',
      },
    };
    const primary = await stub(answer(400, error));
    const fallback = await mock('fallback');
    const front = await relay([upstream('primary', primary.baseUrl), upstream('fallback', `${fallback.url}/v1`)]);

    const res = await chat(front.url);
    expect(res.status).toBe(400);
    expect(res.json()).toEqual(error);
    expect(res.header('x-relay-provider')).toBe('primary');
    expect(res.header('x-relay-attempts')).toBe('1');
    expect(fallback.served()).toBe(0);
  });

  it('answers 503 with every failure and Retry-After when all targets fail', async () => {
    const [reset, stalled, failing] = await Promise.all([stub(resetBeforeHeaders), stub(stall), stub(answer(500, {}))]);
    const front = await relay(
      [
        upstream('refused', await refusedUrl()),
        upstream('reset', reset.baseUrl),
        upstream('stalled', stalled.baseUrl),
        upstream('failing', failing.baseUrl),
      ],
      300,
    );

    const res = await chat(front.url);
    expect(res.status).toBe(503);
    expect(res.header('retry-after')).toBe('1');
    // The last candidate's 500 is retried once on the same target (policies.retry.sameTarget: 1).
    expect(res.header('x-relay-attempts')).toBe('5');
    expect(res.header('x-request-id')).toBe('test-rid');
    const body = res.json();
    expect(body.error).toMatchObject({ type: 'relay_unavailable', code: 'all_targets_failed' });
    expect(body.error.message).toBe(
      'all targets failed: refused: connect (ECONNREFUSED); reset: reset (UND_ERR_SOCKET); ' +
        'stalled: timeout (TimeoutError); failing: status_5xx (HTTP 500); failing: status_5xx (HTTP 500)',
    );
  });

  it('forwards the request id, the target model and the API key; never the client key', async () => {
    process.env['RELAYBENCH_TEST_KEY'] = 'sk-test-123';
    try {
      const primary = await stub(answer(200, completion('stub')));
      const front = await relay([
        { name: 'primary', baseUrl: primary.baseUrl, model: 'forced-model', apiKeyEnv: 'RELAYBENCH_TEST_KEY' },
      ]);
      const res = await request(`${front.url}/v1/chat/completions`, {
        dispatcher: client,
        method: 'POST',
        headers: { 'x-request-id': 'rid-42', authorization: 'Bearer client-key' },
        body: JSON.stringify({ model: 'asked-model', messages: [{ role: 'user', content: 'hi' }], temperature: 0 }),
      });
      expect(res.statusCode).toBe(200);
      expect(await res.body.json()).toEqual(completion('stub'));

      const [seen] = primary.requests;
      expect(seen?.path).toBe('/v1/chat/completions');
      expect(seen?.headers['x-request-id']).toBe('rid-42');
      expect(seen?.headers['authorization']).toBe('Bearer sk-test-123');
      expect(JSON.parse(seen?.body ?? '')).toEqual({
        model: 'forced-model',
        messages: [{ role: 'user', content: 'hi' }],
        temperature: 0,
      });
    } finally {
      delete process.env['RELAYBENCH_TEST_KEY'];
    }
  });

  it('aborts the upstream attempt when the client goes away', async () => {
    const primary = await stub(stall);
    const front = await relay([upstream('primary', primary.baseUrl)], 30_000);
    const controller = new AbortController();
    const pending = chat(front.url, undefined, controller.signal);
    await within(primary.received, 3_000, 'the upstream call');
    controller.abort();
    await expect(pending).rejects.toThrow();
    // Without the abort, the upstream call would stay open for the whole 30 s attempt timeout.
    await within(primary.clientGone, 3_000, 'aborting the upstream call');
  });
});

describe('relay front door', () => {
  it.each([
    ['bad JSON', '{"messages": [', /invalid JSON body/],
    ['a missing messages field', '{"model":"m"}', /messages must be a non-empty array/],
    ['a non-object body', '"hi"', /JSON object/],
    [
      'a wrong type, naming the field',
      '{"model":"m","messages":[{"role":"user","content":"hi"}],"temperature":"hot"}',
      /temperature/,
    ],
    ['a missing model', '{"messages":[{"role":"user","content":"hi"}]}', /model must be a non-empty string/],
  ])('answers 400 naming the problem for %s', async (_name, body, message) => {
    const primary = await mock('primary');
    const front = await relay([upstream('primary', `${primary.url}/v1`)]);
    const res = await chat(front.url, body);
    expect(res.status).toBe(400);
    expect(res.json().error).toMatchObject({ type: 'invalid_request_error', message: expect.stringMatching(message) });
    expect(primary.served()).toBe(0);
  });

  it("serves /health and the targets' models", async () => {
    const front = await relay([
      { name: 'a', baseUrl: 'http://127.0.0.1:1/v1', model: 'gpt-4.1-mini' },
      { name: 'b', baseUrl: 'http://127.0.0.1:2/v1', model: 'deepseek-chat' },
      { name: 'c', baseUrl: 'http://127.0.0.1:3/v1', model: 'gpt-4.1-mini' },
      { name: 'd', baseUrl: 'http://127.0.0.1:4/v1' },
    ]);
    const health = await request(`${front.url}/health`, { dispatcher: client });
    expect(health.statusCode).toBe(200);
    expect(await health.body.json()).toEqual({ status: 'ok' });

    const models = await request(`${front.url}/v1/models`, { dispatcher: client });
    expect(await models.body.json()).toEqual({
      object: 'list',
      data: [
        { id: 'gpt-4.1-mini', object: 'model', created: expect.any(Number), owned_by: 'a' },
        { id: 'deepseek-chat', object: 'model', created: expect.any(Number), owned_by: 'b' },
      ],
    });

    const missing = await request(`${front.url}/v1/nothing`, { dispatcher: client });
    expect(missing.statusCode).toBe(404);
    await missing.body.dump();
  });
});
