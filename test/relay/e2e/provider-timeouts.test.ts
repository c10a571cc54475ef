/**
 * Issue 12, item 10: the provider timeouts do what `fixtures/relay.example.yaml` says.
 * `attemptTimeoutMs` bounds a JSON attempt from send to its last byte and never cuts a stream;
 * `ttfbTimeoutMs` bounds a stream attempt from send to its first content chunk (response headers
 * and a role chunk do not stop it) and does not apply to JSON answers; a flowing stream is bounded
 * by `streamIdleTimeoutMs` and the request deadline instead (see stream-stall.test.ts). Real
 * sockets: mock providers with faults, the relay in-process.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { chatBody, closeAll, startTestRelay } from './support.js';
import { applyFault, primaryFallbackConfig, startMock } from './support-mock.js';

afterEach(closeAll);

async function primaryAndFallback(timeouts: { attemptTimeoutMs: number; ttfbTimeoutMs: number }) {
  const [primary, fallback] = await Promise.all([startMock('primary'), startMock('fallback')]);
  const relay = await startTestRelay({
    ...primaryFallbackConfig(primary, fallback, timeouts),
  });
  return { primary, relay };
}

const stream = chatBody('gpt', { stream: true, max_tokens: 10 });
const json = chatBody('gpt', { max_tokens: 10 });

describe('ttfbTimeoutMs', () => {
  it('runs to the first content chunk of a stream, not to its response headers', async () => {
    const { primary, relay } = await primaryAndFallback({ attemptTimeoutMs: 5_000, ttfbTimeoutMs: 300 });
    // Headers and the role chunk at once, then 3 s of silence before the first token.
    await applyFault(primary, { kind: 'stream_stall', afterChunks: 1, ms: 3_000, close: false });
    const reply = await relay.stream(stream);
    expect(reply.header('x-relay-provider')).toBe('fallback');
    expect(reply.header('x-relay-attempts')).toBe('2');
    expect(reply.events.at(-1)).toBe('[DONE]');
    expect(reply.ms).toBeGreaterThanOrEqual(300 * 0.9);
    expect(reply.ms).toBeLessThan(300 + 2_000);
  });

  it('does not bound a JSON answer (attemptTimeoutMs does)', async () => {
    const { primary, relay } = await primaryAndFallback({ attemptTimeoutMs: 3_000, ttfbTimeoutMs: 200 });
    await applyFault(primary, { kind: 'stall', ms: 600 });
    const reply = await relay.chat(json);
    expect(reply.status).toBe(200);
    expect(reply.header('x-relay-provider')).toBe('primary');
    expect(reply.ms).toBeGreaterThanOrEqual(600 * 0.9);
  });
});

describe('attemptTimeoutMs', () => {
  it('bounds a JSON attempt from send to its last byte', async () => {
    const { primary, relay } = await primaryAndFallback({ attemptTimeoutMs: 400, ttfbTimeoutMs: 400 });
    await applyFault(primary, { kind: 'stall', ms: 3_000 });
    const reply = await relay.chat(json);
    expect(reply.status).toBe(200);
    expect(reply.header('x-relay-provider')).toBe('fallback');
    expect(reply.ms).toBeLessThan(400 + 2_000);
  });

  it('does not cut a stream that keeps flowing past it', async () => {
    const { primary, relay } = await primaryAndFallback({ attemptTimeoutMs: 300, ttfbTimeoutMs: 300 });
    // 5-10 tokens 150 ms apart: 0.6-1.4 s in all, several times attemptTimeoutMs.
    await applyFault(primary, { kind: 'drip', ms: 150 });
    const reply = await relay.stream(stream);
    expect(reply.header('x-relay-provider')).toBe('primary');
    expect(reply.events.at(-1)).toBe('[DONE]');
    expect(reply.ms).toBeGreaterThan(300);
  });
});
