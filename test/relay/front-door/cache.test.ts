import { describe, expect, it } from 'vitest';
import { relayConfigDefaults } from '../../../src/relay/config.js';
import {
  canonicalJson,
  ResponseCache,
  type CacheOptions,
  type CachedCompletion,
} from '../../../src/relay/front-door/cache.js';

const options = (over: Partial<CacheOptions> = {}): CacheOptions => ({
  ...relayConfigDefaults.policies.cache,
  enabled: true,
  ...over,
});

const BASE = Object.freeze({
  model: 'gpt-4.1',
  messages: [{ role: 'user', content: 'hi' }],
  temperature: 0,
});

const answer = (text: string): CachedCompletion => ({
  body: `{"text":"${text}"}`,
  model: 'gpt-4.1',
  usage: { promptTokens: 1, completionTokens: 1 },
  target: 'openai/gpt-4.1',
});

function fakeClock(): { now: () => number; advance(ms: number): void } {
  let t = 1_000;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

describe('ResponseCache keys', () => {
  const cache = new ResponseCache(options());
  const keyOf = (request: Record<string, unknown>, optIn?: string, client = 'team-a') =>
    cache.keyFor(request, optIn, client);

  it('is stable for the same request, whatever the key order', () => {
    const key = keyOf({ ...BASE });
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(keyOf({ temperature: 0, messages: [{ content: 'hi', role: 'user' }], model: 'gpt-4.1' })).toBe(key);
  });

  it.each([
    ['model', { model: 'gpt-4.1-mini' }],
    ['messages', { messages: [{ role: 'user', content: 'hi!' }] }],
    ['message role', { messages: [{ role: 'system', content: 'hi' }] }],
    ['top_p', { top_p: 0.5 }],
    ['max_tokens', { max_tokens: 10 }],
    ['max_completion_tokens', { max_completion_tokens: 10 }],
    ['stop', { stop: ['\n'] }],
    ['seed', { seed: 7 }],
    ['n', { n: 2 }],
    ['presence_penalty', { presence_penalty: 0.1 }],
    ['frequency_penalty', { frequency_penalty: 0.1 }],
    ['logit_bias', { logit_bias: { '50256': -100 } }],
    ['response_format', { response_format: { type: 'json_object' } }],
    ['tools', { tools: [{ type: 'function', function: { name: 'f', parameters: {} } }] }],
    ['tool_choice', { tool_choice: 'required' }],
    ['logprobs', { logprobs: true }],
    ['reasoning_effort', { reasoning_effort: 'high' }],
    ['an unknown future parameter', { verbosity: 'low' }],
  ])('changes with %s', (_name, change) => {
    expect(keyOf({ ...BASE, ...change })).not.toBe(keyOf({ ...BASE }));
  });

  it.each([
    ['user', { user: 'alice' }],
    ['stream: false', { stream: false }],
    ['stream_options', { stream_options: { include_usage: true } }],
    ['metadata', { metadata: { trace: '1' } }],
  ])('ignores %s, which cannot change the answer', (_name, change) => {
    expect(keyOf({ ...BASE, ...change })).toBe(keyOf({ ...BASE }));
  });

  it('scopes keys per client unless shared', () => {
    expect(keyOf({ ...BASE }, undefined, 'team-a')).not.toBe(keyOf({ ...BASE }, undefined, 'team-b'));
    const shared = new ResponseCache(options({ shared: true }));
    expect(shared.keyFor({ ...BASE }, undefined, 'team-a')).toBe(shared.keyFor({ ...BASE }, undefined, 'team-b'));
  });

  it.each([
    ['a non-zero temperature', { temperature: 0.7 }, undefined, 'header'],
    ['no temperature (provider default 1)', { temperature: undefined }, undefined, 'header'],
    ['a stream', { stream: true }, 'on', 'all'],
    ['an opt-out header', {}, 'off', 'all'],
    ['an opt-in header when opt-in is off', { temperature: 1 }, 'on', 'none'],
  ] as const)('bypasses %s', (_name, change, header, optIn) => {
    const cache = new ResponseCache(options({ optIn }));
    expect(cache.keyFor({ ...BASE, ...change }, header, 'a')).toBeUndefined();
  });

  it.each([
    ['temperature 0', {}, undefined, 'none'],
    ['an opt-in header', { temperature: 1 }, 'On', 'header'],
    ['anything with optIn: all', { temperature: 1 }, undefined, 'all'],
  ] as const)('caches %s', (_name, change, header, optIn) => {
    const cache = new ResponseCache(options({ optIn }));
    expect(cache.keyFor({ ...BASE, ...change }, header, 'a')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('bypasses everything when disabled', () => {
    expect(new ResponseCache(options({ enabled: false })).keyFor({ ...BASE }, 'on', 'a')).toBeUndefined();
  });

  it('canonical JSON sorts keys at every level and drops undefined', () => {
    expect(canonicalJson({ b: [{ y: 1, x: undefined, w: 2 }], a: 'q' })).toBe('{"a":"q","b":[{"w":2,"y":1}]}');
  });
});

describe('ResponseCache storage', () => {
  it('serves a hit until the TTL, then misses', () => {
    const clock = fakeClock();
    const cache = new ResponseCache(options({ ttlMs: 1_000 }), clock.now);
    const key = cache.keyFor({ ...BASE }, undefined, 'a') as string;
    expect(cache.get(key)).toBeUndefined();
    cache.set(key, answer('one'));
    clock.advance(999);
    expect(cache.get(key)).toEqual(answer('one'));
    clock.advance(1);
    expect(cache.get(key)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('holds at most maxEntries, evicting the least recently used', () => {
    const cache = new ResponseCache(options({ maxEntries: 2 }));
    cache.set('a', answer('a'));
    cache.set('b', answer('b'));
    expect(cache.get('a')).toBeDefined(); // a is now more recent than b
    cache.set('c', answer('c'));
    expect(cache.size).toBe(2);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBeDefined();
    expect(cache.get('c')).toBeDefined();
  });

  it('does not store answers above maxEntryBytes', () => {
    const cache = new ResponseCache(options({ maxEntryBytes: 10 }));
    expect(cache.set('big', answer('much too large'))).toBe(false);
    expect(cache.get('big')).toBeUndefined();
    expect(cache.set('ok', { ...answer(''), body: Buffer.from('0123456789') })).toBe(true);
  });

  it('validates its options', () => {
    expect(() => new ResponseCache(options({ maxEntries: 0 }))).toThrow(
      'cache maxEntries: expected an integer >= 1, got 0',
    );
    expect(() => new ResponseCache(options({ ttlMs: 1.5 }))).toThrow('cache ttlMs: expected an integer >= 1, got 1.5');
  });
});
