/**
 * Issue 12, item 7: a short Retry-After with nowhere else to go. The only target answers 429 with
 * `Retry-After: 1`: the relay waits the second out and serves the request (instead of a 503),
 * within `policies.retry.maxRetryAfterWaitMs` (default 2000 ms) and the deadline. A longer hint,
 * a wait past the deadline, or a cap of 0 keep today's prompt 503.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  chatBody,
  closeAll,
  openaiError,
  openaiJson,
  sequence,
  startTestRelay,
  startUpstream,
  status,
} from './support.js';

afterEach(closeAll);

const limited = (seconds: number) =>
  status(429, openaiError('Rate limit reached', 'requests', 'rate_limit_exceeded'), { 'retry-after': String(seconds) });

async function onlyTarget(retryAfterS: number, extra: Record<string, any> = {}) {
  const upstream = await startUpstream(sequence(limited(retryAfterS), openaiJson('after the wait')));
  const relay = await startTestRelay({
    providers: [{ name: 'only', dialect: 'openai', baseUrl: `${upstream.origin}/v1` }],
    models: { gpt: { chain: [{ provider: 'only', model: 'm' }] } },
    ...extra,
  });
  return { upstream, relay };
}

describe('waiting out a short Retry-After when no other target is left', () => {
  it('waits the hinted second and serves the request (default cap)', async () => {
    const { upstream, relay } = await onlyTarget(1);
    const reply = await relay.chat(chatBody('gpt'));
    expect(reply.status).toBe(200);
    expect(reply.json().choices[0].message.content).toBe('after the wait');
    expect(reply.header('x-relay-attempts')).toBe('2');
    expect(upstream.count).toBe(2);
    const gap = upstream.requests[1]!.receivedAt - upstream.requests[0]!.receivedAt;
    expect(gap).toBeGreaterThanOrEqual(950); // it honoured the hint: never earlier
    expect(gap).toBeLessThan(1_800);
  });

  it('does not wait for a hint longer than maxRetryAfterWaitMs: 503 at once', async () => {
    const { upstream, relay } = await onlyTarget(3, { policies: { retry: { maxRetryAfterWaitMs: 2_000 } } });
    const reply = await relay.chat(chatBody('gpt'));
    expect(reply.status).toBe(503);
    expect(reply.header('retry-after')).toBe('3');
    expect(reply.ms).toBeLessThan(800);
    expect(upstream.count).toBe(1);
  });

  it('does not wait past the deadline: 503 at once', async () => {
    const { upstream, relay } = await onlyTarget(1, { server: { deadlineMs: 700 } });
    const reply = await relay.chat(chatBody('gpt'));
    expect(reply.status).toBe(503);
    expect(reply.ms).toBeLessThan(650);
    expect(upstream.count).toBe(1);
  });

  it('with maxRetryAfterWaitMs: 0 answers 503 at once (the control)', async () => {
    const { upstream, relay } = await onlyTarget(1, { policies: { retry: { maxRetryAfterWaitMs: 0 } } });
    const reply = await relay.chat(chatBody('gpt'));
    expect(reply.status).toBe(503);
    expect(reply.ms).toBeLessThan(800);
    expect(upstream.count).toBe(1);
  });
});
