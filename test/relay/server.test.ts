import { createServer } from 'node:http';
import { connect } from 'node:net';
import { Agent, request } from 'undici';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parseRelayConfig, parseRelayConfigText } from '../../src/relay/config.js';
import { Bulkhead } from '../../src/relay/front-door/bulkhead.js';
import { listen } from '../../src/relay/front-door/listen.js';
import { createRelayMetrics } from '../../src/relay/front-door/metrics.js';
import { sendBody } from '../../src/relay/front-door/http-io.js';
import {
  createFrontDoor,
  modelEntries,
  startRelay,
  type FrontDoorHandler,
  type FrontDoorOptions,
} from '../../src/relay/server.js';

const client = new Agent({ keepAliveTimeout: 10_000 });
const closers: Array<() => Promise<void>> = [];

afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});
afterAll(() => client.close());

/** A front door on a real loopback port. */
async function frontDoor(options: Partial<FrontDoorOptions> = {}): Promise<string> {
  const handler: FrontDoorHandler = async (req, res) => {
    const body = await new Promise<string>((resolve) => {
      let text = '';
      req
        .setEncoding('utf8')
        .on('data', (chunk: string) => (text += chunk))
        .on('end', () => resolve(text));
    });
    sendBody(res, 200, JSON.stringify({ echoed: body }), {});
  };
  const listener = createFrontDoor({
    handleCompletion: handler,
    models: [{ id: 'gpt-4.1', ownedBy: 'relaybench' }],
    ...options,
  });
  const running = await listen(createServer(listener), '127.0.0.1', 0);
  closers.push(running.close);
  return running.url;
}

async function call(url: string, method: string, path: string, body?: string) {
  const res = await request(`${url}${path}`, {
    dispatcher: client,
    method: method as 'GET',
    body,
    headers: body ? { 'content-type': 'application/json' } : {},
  });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text, json: () => JSON.parse(text) as Record<string, any> };
}

/** Resolves when released; lets a test hold a request in flight. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

describe('front door routes', () => {
  it('delegates POST /v1/chat/completions to the handler with the arrival time', async () => {
    let startedAt = -1;
    const url = await frontDoor({
      handleCompletion: async (req, res, at) => {
        startedAt = at;
        req.resume();
        sendBody(res, 200, '{"ok":true}', { 'x-test': 'handled' });
      },
    });
    const before = performance.now();
    const res = await call(url, 'POST', '/v1/chat/completions?api-version=1', '{"messages":[]}');
    expect(res.status).toBe(200);
    expect(res.headers['x-test']).toBe('handled');
    expect(startedAt).toBeGreaterThan(before - 5_000); // the same performance.now() clock, in this process
  });

  it('lists aliases in OpenAI list shape and retrieves one', async () => {
    const url = await frontDoor({
      models: [
        { id: 'gpt-4.1', ownedBy: 'relaybench' },
        { id: 'team/cheap', ownedBy: 'relaybench' },
      ],
    });
    const list = await call(url, 'GET', '/v1/models');
    expect(list.status).toBe(200);
    expect(list.headers['content-type']).toBe('application/json');
    expect(list.json()).toEqual({
      object: 'list',
      data: [
        { id: 'gpt-4.1', object: 'model', created: expect.any(Number), owned_by: 'relaybench' },
        { id: 'team/cheap', object: 'model', created: expect.any(Number), owned_by: 'relaybench' },
      ],
    });
    expect((await call(url, 'GET', '/v1/models/team%2Fcheap')).json()).toMatchObject({
      id: 'team/cheap',
      object: 'model',
    });
    const missing = await call(url, 'GET', '/v1/models/nope');
    expect(missing.status).toBe(404);
    expect(missing.json()).toEqual({
      error: {
        message: "model 'nope' does not exist",
        type: 'invalid_request_error',
        param: null,
        code: 'model_not_found',
      },
    });
    expect((await call(url, 'GET', '/v1/models/%E0%A4%A')).status).toBe(404);
  });

  it('answers /health, and /ready from the readiness callback', async () => {
    let ready = true;
    const url = await frontDoor({ readiness: () => ({ ready, detail: { aliases: { 'gpt-4.1': ready } } }) });
    expect((await call(url, 'GET', '/health')).json()).toEqual({ status: 'ok' });
    const up = await call(url, 'GET', '/ready');
    expect(up.status).toBe(200);
    expect(up.json()).toEqual({ status: 'ready', aliases: { 'gpt-4.1': true } });
    ready = false;
    const down = await call(url, 'GET', '/ready');
    expect(down.status).toBe(503);
    expect(down.headers['retry-after']).toBe('1');
    expect(down.json()).toMatchObject({
      status: 'not_ready',
      aliases: { 'gpt-4.1': false },
      error: { code: 'not_ready' },
    });
  });

  it('serves Prometheus text on /metrics, 404 without metrics', async () => {
    const metrics = createRelayMetrics();
    metrics.failovers.inc(2);
    const url = await frontDoor({ metrics });
    const res = await call(url, 'GET', '/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.text).toContain('relay_failovers_total 2');
    expect(res.text).toContain('# TYPE relay_overhead_seconds histogram');
    const bare = await frontDoor();
    expect((await call(bare, 'GET', '/metrics')).status).toBe(404);
  });

  it('serves recent policy events on GET /relay/events', async () => {
    const events = [{ type: 'breaker', target: 'a', from: 'closed', to: 'open', at: 12 }];
    const url = await frontDoor({ events: () => events });
    const body = (await call(url, 'GET', '/relay/events')).json();
    expect(body).toEqual({ object: 'list', time_origin: expect.any(Number), data: events });
    // time_origin is this process's performance.timeOrigin: a harness elsewhere maps `at` onto its clock with it.
    expect(Math.abs(body.time_origin - performance.timeOrigin)).toBeLessThan(1);
    expect((await call(await frontDoor(), 'GET', '/relay/events')).json()).toMatchObject({ object: 'list', data: [] });
  });

  it.each([
    ['GET', '/v1/chat/completions', 'POST'],
    ['PUT', '/v1/chat/completions', 'POST'],
    ['POST', '/health', 'GET, HEAD'],
    ['DELETE', '/v1/models', 'GET, HEAD'],
    ['POST', '/metrics', 'GET, HEAD'],
  ])('answers %s %s with 405 and Allow', async (method, path, allow) => {
    const res = await call(await frontDoor(), method, path, method === 'GET' ? undefined : '{}');
    expect(res.status).toBe(405);
    expect(res.headers['allow']).toBe(allow);
    expect(res.json()).toMatchObject({
      error: { type: 'invalid_request_error', code: 'method_not_allowed', param: null },
    });
  });

  it.each([
    ['GET', '/'],
    ['GET', '/v1/completions'],
    ['POST', '/v1/embeddings'],
    ['GET', '/health/'],
  ])('answers %s %s with 404 in OpenAI shape', async (method, path) => {
    const res = await call(await frontDoor(), method, path, method === 'POST' ? '{}' : undefined);
    expect(res.status).toBe(404);
    expect(res.json()).toEqual({
      error: {
        message: `unknown route: ${method} ${path}`,
        type: 'invalid_request_error',
        param: null,
        code: 'unknown_url',
      },
    });
  });

  it('answers HEAD on GET routes without a body', async () => {
    const res = await call(await frontDoor(), 'HEAD', '/health');
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
  });
});

describe('front door robustness', () => {
  it('turns a handler bug (rejection or throw) into a 500 and keeps serving', async () => {
    let mode: 'reject' | 'throw' = 'reject';
    const url = await frontDoor({
      handleCompletion: (req) => {
        req.resume();
        if (mode === 'throw') throw new Error('sync bug');
        return Promise.reject(new Error('async bug'));
      },
    });
    const rejected = await call(url, 'POST', '/v1/chat/completions', '{}');
    expect(rejected.status).toBe(500);
    expect(rejected.json()).toEqual({
      error: { message: 'relay internal error: async bug', type: 'relay_error', param: null, code: 'internal' },
    });
    mode = 'throw';
    expect((await call(url, 'POST', '/v1/chat/completions', '{}')).json().error.message).toBe(
      'relay internal error: sync bug',
    );
    expect((await call(url, 'GET', '/health')).status).toBe(200);
  });

  it('answers malformed HTTP with a JSON 400 and keeps serving', async () => {
    const url = await frontDoor();
    const { port } = new URL(url);
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => socket.write('NOT HTTP AT ALL\r\n\r\n'));
      let text = '';
      socket
        .setEncoding('utf8')
        .on('data', (chunk: string) => (text += chunk))
        .on('end', () => resolve(text))
        .on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4))).toMatchObject({ error: { code: 'bad_request' } });
    expect((await call(url, 'GET', '/health')).status).toBe(200);
  });

  it('answers 431 to oversized headers', async () => {
    const url = await frontDoor();
    const res = await call(url, 'GET', `/health?${'x'.repeat(20_000)}`).catch((error: unknown) => error);
    // undici may see the 431 or a closed socket, depending on how far it got writing.
    if (!(res instanceof Error)) expect((res as { status: number }).status).toBe(431);
    expect((await call(url, 'GET', '/health')).status).toBe(200);
  });
});

describe('bulkhead at the front door', () => {
  it('refuses completions beyond maxInFlight at once with 503 + Retry-After, then admits again', async () => {
    const held = gate();
    const metrics = createRelayMetrics();
    const url = await frontDoor({
      bulkhead: new Bulkhead({ limit: 1, retryAfterS: 2 }),
      metrics,
      handleCompletion: async (req, res) => {
        req.resume();
        await held.wait;
        sendBody(res, 200, '{"ok":true}', {});
      },
    });
    const first = call(url, 'POST', '/v1/chat/completions', '{}');
    await expect.poll(async () => (await metrics.text()).includes('relay_in_flight 1'), { timeout: 5_000 }).toBe(true);
    const started = performance.now();
    const refused = await call(url, 'POST', '/v1/chat/completions', '{}');
    expect(performance.now() - started).toBeLessThan(2_000); // immediate, not queued behind the held one
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('2');
    expect(refused.json()).toMatchObject({ error: { type: 'relay_overloaded', code: 'overloaded' } });
    expect((await call(url, 'GET', '/health')).status).toBe(200); // other routes are not bounded
    held.open();
    expect((await first).status).toBe(200);
    expect((await call(url, 'POST', '/v1/chat/completions', '{}')).status).toBe(200);
    const text = await metrics.text();
    expect(text).toContain('relay_in_flight 0');
    expect(text).toContain('relay_refused_total{reason="overload"} 1');
  });

  it('frees the slot when the client disconnects mid-request', async () => {
    const metrics = createRelayMetrics();
    const bulkhead = new Bulkhead({ limit: 1, retryAfterS: 1 });
    const url = await frontDoor({ bulkhead, metrics, handleCompletion: async (req) => void req.resume() }); // never answers
    const controller = new AbortController();
    const abandoned = request(`${url}/v1/chat/completions`, {
      dispatcher: client,
      method: 'POST',
      body: '{}',
      signal: controller.signal,
    });
    await expect.poll(() => bulkhead.inFlight, { timeout: 5_000 }).toBe(1);
    controller.abort();
    await expect(abandoned).rejects.toThrow();
    await expect.poll(() => bulkhead.inFlight, { timeout: 5_000 }).toBe(0);
    expect(await metrics.text()).toContain('relay_in_flight 0');
  });
});

describe('startRelay', () => {
  const CONFIG = `server: { port: 0, maxInFlight: 1, overloadRetryAfterS: 7 }
providers:
  - { name: p, dialect: openai, baseUrl: "http://127.0.0.1:9/v1" }
models:
  fast: { chain: [ { provider: p, model: m1 } ] }
  cheap: { chain: [ { provider: p, model: m2 } ] }
`;

  it('listens where configured, lists the aliases, bounds in-flight requests and closes idempotently', async () => {
    const held = gate();
    let ready = false;
    let closedHook = 0;
    const relay = await startRelay(parseRelayConfigText(CONFIG, 'relay.yaml'), {
      handleCompletion: async (req, res) => {
        req.resume();
        await held.wait;
        sendBody(res, 200, '{}', {});
      },
      readiness: () => ({ ready }),
      onClose: async () => void closedHook++,
    });
    expect(relay.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await call(relay.url, 'GET', '/v1/models')).json().data.map((m: { id: string }) => m.id)).toEqual([
      'fast',
      'cheap',
    ]);
    expect((await call(relay.url, 'GET', '/ready')).status).toBe(503);
    ready = true;
    expect((await call(relay.url, 'GET', '/ready')).status).toBe(200);
    const first = call(relay.url, 'POST', '/v1/chat/completions', '{}');
    await expect
      .poll(async () => (await relay.metrics.text()).includes('relay_in_flight 1'), { timeout: 5_000 })
      .toBe(true);
    const refused = await call(relay.url, 'POST', '/v1/chat/completions', '{}');
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('7');
    held.open();
    expect((await first).status).toBe(200);
    await Promise.all([relay.close(), relay.close()]);
    expect(closedHook).toBe(1);
    await expect(call(relay.url, 'GET', '/health')).rejects.toThrow();
  });

  it("lists a legacy config's configured models", () => {
    const config = parseRelayConfig({
      targets: [
        { name: 'a', baseUrl: 'http://x/v1', model: 'm' },
        { name: 'b', baseUrl: 'http://y/v1' },
        { name: 'c', baseUrl: 'http://z/v1', model: 'm' },
      ],
    });
    expect(modelEntries(config)).toEqual([{ id: 'm', ownedBy: 'a' }]);
  });

  it('reports a port in use as a start error', async () => {
    const relay = await startRelay(parseRelayConfigText(CONFIG, 'relay.yaml'), { handleCompletion: async () => {} });
    closers.push(relay.close);
    const port = Number(new URL(relay.url).port);
    await expect(
      startRelay(parseRelayConfigText(CONFIG, 'relay.yaml', { port }), { handleCompletion: async () => {} }),
    ).rejects.toThrow(`relay could not listen on 127.0.0.1:${port}`);
  });
});
