import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { prepareTargets } from '../../src/relay/target.js';

describe('prepareTargets', () => {
  it.each([
    ['http://127.0.0.1:9000/v1', 'http://127.0.0.1:9000', '/v1/chat/completions'],
    ['http://127.0.0.1:9000/v1/', 'http://127.0.0.1:9000', '/v1/chat/completions'],
    ['https://api.deepseek.com', 'https://api.deepseek.com', '/chat/completions'],
    ['https://gw.example/openai/v1?api-version=2', 'https://gw.example', '/openai/v1/chat/completions?api-version=2'],
  ])('joins %s into origin and path', (baseUrl, origin, completionsPath) => {
    const [target] = prepareTargets([{ name: 't', baseUrl }], {});
    expect(target).toMatchObject({ origin, completionsPath });
  });

  it('adds a bearer key from the environment, and none when unset or empty', () => {
    const env = { KEY_A: 'sk-a', KEY_EMPTY: '' };
    const [a, empty, unset, none] = prepareTargets(
      [
        { name: 'a', baseUrl: 'http://x/v1', apiKeyEnv: 'KEY_A' },
        { name: 'empty', baseUrl: 'http://x/v1', apiKeyEnv: 'KEY_EMPTY' },
        { name: 'unset', baseUrl: 'http://x/v1', apiKeyEnv: 'KEY_MISSING' },
        { name: 'none', baseUrl: 'http://x/v1' },
      ],
      env,
    );
    expect(a?.headers['authorization']).toBe('Bearer sk-a');
    for (const target of [empty, unset, none]) expect(target?.headers).not.toHaveProperty('authorization');
    expect(a?.headers['content-type']).toBe('application/json');
  });

  it('keeps the key out of serialised and inspected targets', () => {
    const [target] = prepareTargets([{ name: 'a', baseUrl: 'http://x/v1', apiKeyEnv: 'K' }], { K: 'sk-secret' });
    expect(JSON.stringify(target)).not.toContain('sk-secret');
    expect(inspect(target, { depth: 5 })).not.toContain('sk-secret');
  });
});

describe('prepareTargets: provider+model targets', () => {
  it('names a target provider/model and fills defaults', () => {
    const [target] = prepareTargets(
      [{ provider: 'openai', model: 'gpt-4.1-mini', baseUrl: 'https://api.openai.com/v1/' }],
      {},
    );
    expect(target).toMatchObject({
      name: 'openai/gpt-4.1-mini',
      provider: 'openai',
      dialect: 'openai',
      model: 'gpt-4.1-mini',
      baseUrl: 'https://api.openai.com/v1',
      basePath: '/v1',
      search: '',
      weight: 1,
      priority: 0,
      price: undefined,
      attemptTimeoutMs: 10_000,
      ttfbTimeoutMs: 10_000,
    });
  });

  it.each([
    ['openai', { authorization: 'Bearer sk-k' }],
    ['anthropic', { 'x-api-key': 'sk-k', 'anthropic-version': '2023-06-01' }],
    ['gemini', { 'x-goog-api-key': 'sk-k' }],
  ] as const)('builds %s auth headers', (dialect, expected) => {
    const [target] = prepareTargets([{ provider: 'p', dialect, model: 'm', baseUrl: 'http://x', apiKeyEnv: 'K' }], {
      K: 'sk-k',
    });
    expect(target?.headers).toEqual({ 'content-type': 'application/json', accept: 'application/json', ...expected });
  });

  it('sends the Anthropic version even without a key', () => {
    const [target] = prepareTargets([{ provider: 'p', dialect: 'anthropic', model: 'm', baseUrl: 'http://x' }], {});
    expect(target?.headers['anthropic-version']).toBe('2023-06-01');
    expect(target?.headers).not.toHaveProperty('x-api-key');
  });

  it('orders by priority, stable, with the chain index as default priority and target defaults', () => {
    const targets = prepareTargets(
      [
        { name: 'late', baseUrl: 'http://x/v1', priority: 5 },
        { name: 'b1', baseUrl: 'http://x/v1', priority: 1, weight: 3, price: { inputPerMTok: 1, outputPerMTok: 2 } },
        { name: 'b2', baseUrl: 'http://x/v1', priority: 1, ttfbTimeoutMs: 2_000 },
      ],
      {},
      { attemptTimeoutMs: 30_000, ttfbTimeoutMs: 5_000 },
    );
    expect(targets.map((t) => [t.name, t.priority, t.weight, t.attemptTimeoutMs, t.ttfbTimeoutMs])).toEqual([
      ['b1', 1, 3, 30_000, 5_000],
      ['b2', 1, 1, 30_000, 2_000],
      ['late', 5, 1, 30_000, 5_000],
    ]);
    expect(targets[0]?.price).toEqual({ inputPerMTok: 1, outputPerMTok: 2 });
  });

  it.each([
    [{ weight: 0 }, /target t: weight: expected a number > 0, got 0/],
    [{ priority: Number.NaN }, /target t: priority: expected a finite number, got NaN/],
    [{ attemptTimeoutMs: -1 }, /target t: attemptTimeoutMs: expected a number > 0, got -1/],
  ])('rejects %o naming the target and field', (bad, message) => {
    expect(() => prepareTargets([{ name: 't', baseUrl: 'http://x/v1', ...bad }], {})).toThrow(message);
  });
});
