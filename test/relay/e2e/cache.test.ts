/**
 * Acceptance 9: the exact-match response cache. `temperature: 0` twice -> the second is a hit the
 * upstream never sees; `temperature: 0.7` bypasses it; changing any sampling parameter misses.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { hashToken } from '../../../src/relay/front-door/auth.js';
import { chatBody, closeAll, openaiAny, startTestRelay, startUpstream } from './support.js';

afterEach(closeAll);

async function cachedRelay(extra: Record<string, unknown> = {}, shared = false) {
  const upstream = await startUpstream(openaiAny('cached answer'));
  const relay = await startTestRelay({
    providers: [{ name: 'up', dialect: 'openai', baseUrl: `${upstream.origin}/v1` }],
    models: { gpt: { chain: [{ provider: 'up', model: 'm', price: { input: 1, output: 1 } }] } },
    policies: { cache: { enabled: true, ttlMs: 60_000, optIn: 'header', shared } },
    ...extra,
  });
  return { upstream, relay };
}

const BASE = chatBody('gpt', { temperature: 0 });

describe('response cache', () => {
  it('serves a repeated temperature-0 request from the cache', async () => {
    const { upstream, relay } = await cachedRelay();

    const first = await relay.chat(BASE);
    const second = await relay.chat(BASE);
    expect(first.header('x-relay-cache')).toBe('miss');
    expect(second.header('x-relay-cache')).toBe('hit');
    expect(second.status).toBe(200);
    expect(second.text).toBe(first.text);
    expect(second.header('x-relay-provider')).toBe('up');
    expect(second.header('x-relay-attempts')).toBe('0');
    expect(second.header('x-relay-cost-usd')).toBe('0'); // nothing was spent on the hit
    expect(upstream.count).toBe(1);

    // Key order does not matter: the same request written differently is still a hit.
    const reordered = await relay.chat({ temperature: 0, messages: BASE['messages'], model: 'gpt' });
    expect(reordered.header('x-relay-cache')).toBe('hit');
    expect(upstream.count).toBe(1);
  });

  it('bypasses the cache at temperature 0.7 (and for streams, and with x-relay-cache: off)', async () => {
    const { upstream, relay } = await cachedRelay();

    for (let i = 0; i < 2; i++)
      expect((await relay.chat(chatBody('gpt', { temperature: 0.7 }))).header('x-relay-cache')).toBe('bypass');
    expect((await relay.chat(BASE, { headers: { 'x-relay-cache': 'off' } })).header('x-relay-cache')).toBe('bypass');
    for (let i = 0; i < 2; i++) {
      const streamed = await relay.stream({ ...BASE, stream: true });
      expect([streamed.status, streamed.header('x-relay-cache'), streamed.events.at(-1)]).toEqual([
        200,
        'bypass',
        '[DONE]',
      ]);
    }
    expect(upstream.count).toBe(5);

    // ... but a client may opt in with the header (optIn: header).
    const optedIn = chatBody('gpt', { temperature: 0.7 });
    expect((await relay.chat(optedIn, { headers: { 'x-relay-cache': 'on' } })).header('x-relay-cache')).toBe('miss');
    expect((await relay.chat(optedIn, { headers: { 'x-relay-cache': 'on' } })).header('x-relay-cache')).toBe('hit');
    expect(upstream.count).toBe(6);
  });

  const variations: Array<[string, Record<string, unknown>]> = [
    ['top_p', { top_p: 0.5 }],
    ['max_tokens', { max_tokens: 10 }],
    ['max_completion_tokens', { max_completion_tokens: 10 }],
    ['stop', { stop: ['\n'] }],
    ['seed', { seed: 7 }],
    ['n', { n: 2 }],
    ['presence_penalty', { presence_penalty: 0.5 }],
    ['frequency_penalty', { frequency_penalty: 0.5 }],
    ['logit_bias', { logit_bias: { '50256': -100 } }],
    ['response_format', { response_format: { type: 'json_object' } }],
    ['a parameter the relay does not know', { reasoning_effort: 'low' }],
    ['the messages', { messages: [{ role: 'user', content: 'hello!' }] }],
  ];

  it('misses when any sampling parameter changes, and hits each variant when repeated', async () => {
    const { upstream, relay } = await cachedRelay();
    expect((await relay.chat(BASE)).header('x-relay-cache')).toBe('miss');

    for (const [name, change] of variations) {
      const before = upstream.count;
      const reply = await relay.chat({ ...BASE, ...change });
      expect({ name, cache: reply.header('x-relay-cache'), status: reply.status }).toEqual({
        name,
        cache: 'miss',
        status: 200,
      });
      expect(upstream.count).toBe(before + 1);
    }
    for (const [name, change] of variations) {
      expect({ name, cache: (await relay.chat({ ...BASE, ...change })).header('x-relay-cache') }).toEqual({
        name,
        cache: 'hit',
      });
    }
    expect(upstream.count).toBe(1 + variations.length);
  });

  it.each([
    [false, 2],
    [true, 1],
  ])('with shared: %s, two client keys cost %i upstream call(s) for the same request', async (shared, calls) => {
    const auth = {
      keys: [
        { id: 'a', sha256: hashToken('token-a') },
        { id: 'b', sha256: hashToken('token-b') },
      ],
    };
    const { upstream, relay } = await cachedRelay({ auth }, shared);

    const a = await relay.chat(BASE, { headers: { authorization: 'Bearer token-a' } });
    const b = await relay.chat(BASE, { headers: { authorization: 'Bearer token-b' } });
    expect([a.status, b.status]).toEqual([200, 200]);
    expect([a.header('x-relay-cache'), b.header('x-relay-cache')]).toEqual(['miss', shared ? 'hit' : 'miss']);
    expect(upstream.count).toBe(calls);
  });
});
