/**
 * Issue 12, item 6: a one-off 500 or reset on a single-provider chain. The relay tries the same
 * target once more after a backoff (`policies.retry.sameTarget`, default 1) so the client gets its
 * answer; with `sameTarget: 0` the same fault fails the request, and a target that keeps failing
 * is tried exactly 1 + sameTarget times.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  chatBody,
  closeAll,
  openaiError,
  openaiJson,
  reset,
  sequence,
  startTestRelay,
  startUpstream,
  status,
  type Behaviour,
} from './support.js';

afterEach(closeAll);

const BASE_MS = 100;

async function singleProvider(behaviour: Behaviour, retry: Record<string, unknown> = {}) {
  const upstream = await startUpstream(behaviour);
  const relay = await startTestRelay({
    providers: [{ name: 'only', dialect: 'openai', baseUrl: `${upstream.origin}/v1` }],
    models: { gpt: { chain: [{ provider: 'only', model: 'm' }] } },
    policies: { retry: { baseMs: BASE_MS, ...retry } },
  });
  return { upstream, relay };
}

const fail500 = status(500, openaiError('boom', 'server_error'));

describe('same-target retry on a single-provider chain', () => {
  it.each<[string, Behaviour]>([
    ['a one-off 500', fail500],
    ['a one-off connection reset', reset],
  ])('survives %s: the same target is tried again after a backoff', async (_name, fault) => {
    const { upstream, relay } = await singleProvider(sequence(fault, openaiJson('second time lucky')));
    const reply = await relay.chat(chatBody('gpt'));
    expect(reply.status).toBe(200);
    expect(reply.json().choices[0].message.content).toBe('second time lucky');
    expect(reply.header('x-relay-attempts')).toBe('2');
    expect(upstream.count).toBe(2);
    // Full jitter: the pause is in [0, baseMs); the retry never comes later than that plus slack.
    expect(upstream.requests[1]!.receivedAt - upstream.requests[0]!.receivedAt).toBeLessThan(BASE_MS + 400);
  });

  it('with sameTarget: 0 the same one-off 500 fails the request (the control)', async () => {
    const { upstream, relay } = await singleProvider(sequence(fail500, openaiJson('unused')), { sameTarget: 0 });
    const reply = await relay.chat(chatBody('gpt'));
    expect(reply.status).toBeGreaterThanOrEqual(500);
    expect(upstream.count).toBe(1);
  });

  it('a target that keeps failing is tried 1 + sameTarget times, no more', async () => {
    const { upstream, relay } = await singleProvider(fail500, { sameTarget: 2 });
    const reply = await relay.chat(chatBody('gpt'));
    expect(reply.status).toBeGreaterThanOrEqual(500);
    expect(reply.header('x-relay-attempts')).toBe('3');
    expect(upstream.count).toBe(3);
  });

  it('in a longer chain only the last candidate is retried, after the failover', async () => {
    const [first, last] = await Promise.all([
      startUpstream(fail500),
      startUpstream(sequence(fail500, openaiJson('from the last'))),
    ]);
    const relay = await startTestRelay({
      providers: [
        { name: 'first', dialect: 'openai', baseUrl: `${first.origin}/v1` },
        { name: 'last', dialect: 'openai', baseUrl: `${last.origin}/v1` },
      ],
      models: {
        gpt: {
          chain: [
            { provider: 'first', model: 'm' },
            { provider: 'last', model: 'm' },
          ],
        },
      },
      policies: { retry: { baseMs: BASE_MS } },
    });
    const reply = await relay.chat(chatBody('gpt'));
    expect(reply.status).toBe(200);
    expect(reply.header('x-relay-provider')).toBe('last');
    expect([first.count, last.count]).toEqual([1, 2]);
  });

  it('a 503 with Retry-After is not retried at once: the cooldown decides', async () => {
    const busy = status(503, openaiError('busy', 'server_error'), { 'retry-after': '30' });
    const { upstream, relay } = await singleProvider(sequence(busy, openaiJson('unused')));
    const reply = await relay.chat(chatBody('gpt'));
    expect(reply.status).toBe(503);
    expect(upstream.count).toBe(1);
  });
});
