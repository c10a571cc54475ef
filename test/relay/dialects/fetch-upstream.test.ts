/**
 * The test-only fetch client honours the relay's UpstreamClient contract: checked on real
 * loopback sockets (aborts cannot be tested under nock on Node 20), side by side with the relay's
 * own undici client so both are held to the same behaviour.
 */
import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { classify } from '../../../src/relay/classify.js';
import { createUpstreamClient, type UpstreamClient, type UpstreamStream } from '../../../src/relay/upstream/client.js';
import { startStub, stall, type Stub, type StubBehaviour } from '../stub-upstream.js';
import { createFetchUpstream } from './support/fetch-upstream.js';

// Not imported from support/nock-upstream.ts: importing that module switches nock on.
const TRANSPORTS: ReadonlyArray<readonly [string, () => UpstreamClient]> = [
  ['undici Agent (relay client)', () => createUpstreamClient({ connectTimeoutMs: 2_000 })],
  ['global fetch (test client)', createFetchUpstream],
];

const sseHead = (res: ServerResponse): void => {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  res.flushHeaders();
};

/** Rejects (failing the test fast) unless `promise` settles within `ms`. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>(
    (_resolve, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms)),
  );
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function readToEnd(stream: UpstreamStream): Promise<string> {
  let text = '';
  for (let read = await stream.body.next(); read.done !== true; read = await stream.body.next())
    text += read.value.toString('utf8');
  return text;
}

describe.each(TRANSPORTS)('UpstreamClient contract (%s)', (_name, makeClient) => {
  const clients: UpstreamClient[] = [];
  const stubs: Stub[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await Promise.all(stubs.splice(0).map((stub) => stub.close()));
  });

  async function setup(behaviour: StubBehaviour): Promise<{ client: UpstreamClient; stub: Stub; origin: string }> {
    const stub = await startStub(behaviour);
    stubs.push(stub);
    const client = makeClient();
    clients.push(client);
    return { client, stub, origin: new URL(stub.baseUrl).origin };
  }

  const post = (origin: string, signal = new AbortController().signal) => ({
    origin,
    path: '/v1/chat/completions?api-version=2',
    headers: { 'content-type': 'application/json', authorization: 'Bearer k' },
    body: '{"q":1}',
    signal,
  });

  it('send: POSTs path, headers and body; resolves with the whole answer', async () => {
    const { client, stub, origin } = await setup((_req, res) => {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '3', 'set-cookie': ['a=1', 'b=2'] });
      res.end('{"error":{}}');
    });
    const res = await client.send(post(origin));
    expect(stub.requests).toEqual([
      {
        path: '/v1/chat/completions?api-version=2',
        headers: expect.objectContaining({ 'content-type': 'application/json', authorization: 'Bearer k' }),
        body: '{"q":1}',
      },
    ]);
    expect(res).toMatchObject({
      status: 429,
      contentType: 'application/json',
      headers: { 'retry-after': '3', 'set-cookie': ['a=1', 'b=2'] },
    });
    expect(res.body.toString('utf8')).toBe('{"error":{}}');
    expect(res.elapsedMs).toBeGreaterThan(0);
  });

  it('send and stream: an abort before the headers rejects with the signal reason', async () => {
    const { client, origin } = await setup(stall);
    const reason = new DOMException('attempt timed out', 'TimeoutError');
    const calls: Array<(request: ReturnType<typeof post>) => Promise<unknown>> = [
      (r) => client.send(r),
      (r) => client.stream(r),
    ];
    for (const call of calls) {
      const controller = new AbortController();
      const pending = call(post(origin, controller.signal));
      setTimeout(() => controller.abort(reason), 20);
      await expect(within(pending, 2_000, 'the abort')).rejects.toBe(reason);
    }
  });

  it('stream: resolves at the headers and yields body chunks as Buffers', async () => {
    const { client, origin } = await setup((_req, res) => {
      sseHead(res);
      res.write('data: 1\n\n');
      setTimeout(() => res.end('data: 2\n\n'), 30);
    });
    const stream = await client.stream(post(origin));
    expect(stream).toMatchObject({ status: 200, contentType: 'text/event-stream' });
    const first = await stream.body.next();
    expect(Buffer.isBuffer(first.value)).toBe(true);
    stream.firstContent();
    expect(`${String(first.value)}${await readToEnd(stream)}`).toBe('data: 1\n\ndata: 2\n\n');
    stream.destroy();
    stream.destroy(); // idempotent
  });

  it('stream: without firstContent() the TTFB guard aborts the body with a timeout', async () => {
    const { client, origin } = await setup((_req, res) => sseHead(res));
    const started = performance.now();
    const stream = await client.stream({ ...post(origin), ttfbTimeoutMs: 100 });
    const error: unknown = await within(stream.body.next(), 2_000, 'the TTFB timeout').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(classify({ error })).toEqual({ kind: 'timeout', retryable: true });
    expect(performance.now() - started).toBeGreaterThanOrEqual(90);
    stream.destroy();
  });

  it('stream: firstContent() disarms the TTFB guard', async () => {
    const { client, origin } = await setup((_req, res) => {
      sseHead(res);
      res.write('data: 1\n\n');
      setTimeout(() => res.end('data: 2\n\n'), 250);
    });
    const stream = await client.stream({ ...post(origin), ttfbTimeoutMs: 100 });
    await stream.body.next();
    stream.firstContent();
    expect(await within(readToEnd(stream), 2_000, 'the rest of the body')).toBe('data: 2\n\n');
    stream.destroy();
  });

  it('stream: a reset mid-body rejects next() with an error classified reset', async () => {
    const { client, origin } = await setup((req, res) => {
      sseHead(res);
      res.write('data: 1\n\n');
      setTimeout(() => req.socket.destroy(), 20);
    });
    const stream = await client.stream(post(origin));
    await stream.body.next();
    stream.firstContent();
    const error: unknown = await within(readToEnd(stream), 2_000, 'the reset').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(classify({ error })).toEqual({ kind: 'reset', retryable: true });
    stream.destroy();
  });

  it('stream: readAll reads an error answer whole', async () => {
    const { client, origin } = await setup((_req, res) => {
      res.writeHead(529, { 'content-type': 'application/json' });
      res.write('{"type":"error",');
      setTimeout(() => res.end('"error":{"type":"overloaded_error"}}'), 20);
    });
    const stream = await client.stream(post(origin));
    expect(stream.status).toBe(529);
    expect((await stream.readAll()).toString('utf8')).toBe('{"type":"error","error":{"type":"overloaded_error"}}');
    stream.destroy(); // after readAll: a no-op
  });

  it('stream: release() closes a body that lingers after its last event, close() the open ones', async () => {
    const lingering = await setup((_req, res) => {
      sseHead(res);
      res.write('data: [DONE]\n\n');
    });
    const stream = await lingering.client.stream(post(lingering.origin));
    await stream.body.next();
    stream.firstContent();
    stream.release();
    await within(lingering.stub.clientGone, 3_000, 'closing the lingering body');

    const open = await setup((_req, res) => sseHead(res));
    await open.client.stream(post(open.origin));
    await open.client.close();
    await within(open.stub.clientGone, 2_000, 'close() destroying the open stream');
  });
});
