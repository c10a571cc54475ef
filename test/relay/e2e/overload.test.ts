/**
 * Acceptance 11: the bulkhead. With `server.maxInFlight: 2` and a slow upstream, 10 concurrent
 * requests: two are served, the other eight get 503 + Retry-After at once, long before the slow
 * upstream answers; the slots come back when the two finish. The shed is decided at the request's
 * start, before its body is read; a body still arriving holds no slot, and when it completes with
 * no slot free the answer is 503 too.
 */
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { chatBody, closeAll, delayed, onCleanup, openaiJson, startTestRelay, startUpstream } from './support.js';

afterEach(closeAll);

const SLOW_MS = 1_000;

describe('overload', () => {
  it('refuses requests beyond maxInFlight with 503 + Retry-After, quickly', async () => {
    const upstream = await startUpstream(delayed(SLOW_MS, openaiJson('slow answer')));
    const relay = await startTestRelay({
      server: { maxInFlight: 2, overloadRetryAfterS: 2 },
      providers: [{ name: 'slow', dialect: 'openai', baseUrl: `${upstream.origin}/v1` }],
      models: { gpt: { chain: [{ provider: 'slow', model: 'm' }] } },
    });

    const pending = Array.from({ length: 10 }, () => relay.chat(chatBody('gpt')));
    // While the two admitted requests wait on the upstream, the relay's own routes still answer.
    const health = await relay.get('/health');
    expect(health.status).toBe(200);
    expect(health.ms).toBeLessThan(SLOW_MS / 2);
    const replies = await Promise.all(pending);

    const served = replies.filter((reply) => reply.status === 200);
    const refused = replies.filter((reply) => reply.status === 503);
    expect([served.length, refused.length]).toEqual([2, 8]);
    for (const reply of served) expect(reply.ms).toBeGreaterThanOrEqual(SLOW_MS * 0.95);
    for (const reply of refused) {
      expect(reply.ms).toBeLessThan(SLOW_MS / 2);
      expect(reply.header('retry-after')).toBe('2');
      expect(reply.json().error).toMatchObject({ type: 'relay_overloaded', code: 'overloaded' });
    }
    expect(upstream.count).toBe(2);

    // The slots were released: the next request is admitted.
    expect((await relay.chat(chatBody('gpt'))).status).toBe(200);
    expect(upstream.count).toBe(3);
    const metrics = (await relay.get('/metrics')).text;
    expect(metrics).toContain('relay_refused_total{reason="overload"} 8');
    expect(metrics).toMatch(/^relay_in_flight 0$/m);
  });

  it('sheds at the request start, before reading the body, when every slot is taken', async () => {
    const { relay, port } = await oneSlotRelay();
    const held = relay.chat(chatBody('gpt')); // takes the only slot for SLOW_MS
    await untilMetric(relay, /^relay_in_flight 1$/m);
    // Headers only, the declared body never sent: the 503 cannot have waited for it.
    const started = performance.now();
    const answer = await rawAnswer(port, headersOnly(100), (text) => text.includes('\r\n\r\n{'));
    expect(answer).toMatch(/^HTTP\/1\.1 503 /);
    expect(answer).toMatch(/retry-after: 1/i);
    expect(answer).toContain('"code":"overloaded"');
    expect(performance.now() - started).toBeLessThan(SLOW_MS / 2);
    expect((await held).status).toBe(200);
  });

  it('a body still arriving holds no slot; when it completes with no slot free, the answer is 503', async () => {
    const { relay, port } = await oneSlotRelay();
    const body = JSON.stringify(chatBody('gpt'));
    const socket = await rawConnect(port);
    socket.write(headersOnly(Buffer.byteLength(body)) + body.slice(0, 10));
    await untilMetric(relay, /^relay_unread_bodies 1$/m);
    const served = relay.chat(chatBody('gpt')); // admitted although a request came first: its body is unread
    await untilMetric(relay, /^relay_in_flight 1$/m);
    const answer = collect(socket, (text) => text.includes('\r\n\r\n{'));
    socket.write(body.slice(10));
    expect(await answer).toMatch(/^HTTP\/1\.1 503 [^]*"code":"overloaded"/);
    expect((await served).status).toBe(200);
    expect((await relay.get('/metrics')).text).toContain('relay_refused_total{reason="overload"} 1');
  });
});

async function oneSlotRelay() {
  const upstream = await startUpstream(delayed(SLOW_MS, openaiJson('slow answer')));
  const relay = await startTestRelay({
    server: { maxInFlight: 1, overloadRetryAfterS: 1 },
    providers: [{ name: 'slow', dialect: 'openai', baseUrl: `${upstream.origin}/v1` }],
    models: { gpt: { chain: [{ provider: 'slow', model: 'm' }] } },
  });
  return { relay, port: Number(new URL(relay.url).port) };
}

async function untilMetric(relay: { get(path: string): Promise<{ text: string }> }, line: RegExp): Promise<void> {
  await expect.poll(async () => line.test((await relay.get('/metrics')).text), { timeout: 5_000 }).toBe(true);
}

function headersOnly(contentLength: number): string {
  return `POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: ${contentLength}\r\n\r\n`;
}

async function rawConnect(port: number): Promise<Socket> {
  const socket = connect({ host: '127.0.0.1', port });
  socket.on('error', () => {});
  onCleanup(async () => void socket.destroy());
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  return socket;
}

/** Everything the socket receives until `done` says the answer is complete (or it closes). */
function collect(socket: Socket, done: (text: string) => boolean): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      text += chunk;
      if (done(text) && text.trimEnd().endsWith('}')) resolve(text);
    });
    socket.once('close', () => resolve(text));
  });
}

async function rawAnswer(port: number, bytes: string, done: (text: string) => boolean): Promise<string> {
  const socket = await rawConnect(port);
  const answer = collect(socket, done);
  socket.write(bytes);
  return answer;
}
