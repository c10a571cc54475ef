/**
 * A mock told its keys (`apiKeys`, `api_keys_env` in a providers file) answers any other key, or
 * none, with its dialect's 401, as a real provider does: a gateway that does not send the pool's
 * keys is refused, not silently served.
 */
import { describe, expect, it } from 'vitest';
import type { DialectName } from '../../src/mock/dialect.js';
import { parseProvidersConfig } from '../../src/mock/provider-config.js';
import { ask, DIALECTS, start } from './helpers.js';

function keyHeaders(dialect: DialectName, key: string): Record<string, string> {
  if (dialect === 'openai') return { authorization: `Bearer ${key}` };
  return dialect === 'anthropic' ? { 'x-api-key': key } : { 'x-goog-api-key': key };
}

describe.each(DIALECTS)('accepted keys over the wire (%s)', (dialect) => {
  it('serves its keys and refuses any other key, or none, with 401', async () => {
    const provider = await start({
      name: `ak-${dialect}`,
      dialect,
      latencyMs: 0,
      apiKeys: ['pool-a-key1', 'pool-a-key2'],
    });
    expect((await ask(provider, { maxTokens: 2 }, keyHeaders(dialect, 'pool-a-key1'))).status).toBe(200);
    expect((await ask(provider, { maxTokens: 2 }, keyHeaders(dialect, 'pool-a-key2'))).status).toBe(200);
    const stranger = await ask(provider, { maxTokens: 2 }, keyHeaders(dialect, 'sk-somebody-else'));
    expect(stranger.status).toBe(401);
    expect(stranger.text).not.toContain('pool-a');
    expect((await ask(provider, { maxTokens: 2 })).status).toBe(401);
  });
});

describe('api_keys_env in a providers file', () => {
  it('reads the keys from the variable it names, comma-separated', () => {
    const [options] = parseProvidersConfig('providers:\n  - { name: a, api_keys_env: MY_KEYS }\n', 'p.yaml', {
      MY_KEYS: 'k-one, k-two',
    });
    expect(options!.apiKeys).toEqual(['k-one', 'k-two']);
  });

  it('an unset variable is an error naming the field, the variable and the line', () => {
    expect(() =>
      parseProvidersConfig('providers:\n  - { name: a, api_keys_env: NOT_SET_HERE }\n', 'p.yaml', {}),
    ).toThrow(/p\.yaml:2:\d+: field 'providers\[0\]\.api_keys_env': environment variable NOT_SET_HERE is not set/);
  });
});
