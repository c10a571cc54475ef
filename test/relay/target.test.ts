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
