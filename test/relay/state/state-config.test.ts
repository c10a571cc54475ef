import { describe, expect, it } from 'vitest';
import { ConfigInvalidError } from '../../../src/errors.js';
import { parseRelayConfig, relayConfigDefaults } from '../../../src/relay/config.js';

const FULL = {
  providers: [{ name: 'p', dialect: 'openai', baseUrl: 'http://127.0.0.1:9/v1' }],
  models: { m: { chain: [{ provider: 'p', model: 'x' }] } },
};
const LEGACY = { targets: [{ name: 't', baseUrl: 'http://127.0.0.1:9/v1' }] };

function errorOf(input: unknown): string {
  try {
    parseRelayConfig(input, { source: 'relay.yaml' });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigInvalidError);
    return (error as Error).message;
  }
  throw new Error('expected the config to be rejected');
}

describe('relay config: state.redis', () => {
  it('is absent by default (state in memory), in both forms', () => {
    expect(parseRelayConfig(FULL).state).toEqual({ redis: undefined });
    expect(parseRelayConfig(LEGACY).state).toEqual({ redis: undefined });
  });

  it('fills keyPrefix and commandTimeoutMs defaults, in the full and the legacy form', () => {
    const redis = { url: 'redis://127.0.0.1:6379/0' };
    const expected = {
      url: redis.url,
      keyPrefix: 'relaybench:',
      commandTimeoutMs: 50,
      passwordEnv: undefined,
      cache: false,
    };
    expect(parseRelayConfig({ ...FULL, state: { redis } }).state.redis).toEqual(expected);
    expect(parseRelayConfig({ ...LEGACY, state: { redis } }).state.redis).toEqual(expected);
    expect(relayConfigDefaults.state.redis).toEqual({ keyPrefix: 'relaybench:', commandTimeoutMs: 50, cache: false });
  });

  it('keeps given values', () => {
    const redis = {
      url: 'rediss://cache.internal:6380',
      keyPrefix: 'fleet-a:',
      commandTimeoutMs: 200,
      passwordEnv: 'RP',
      cache: true,
    };
    expect(parseRelayConfig({ ...FULL, state: { redis } }).state.redis).toEqual(redis);
  });

  it.each([
    [{ url: 'http://127.0.0.1:6379' }, /state\.redis\.url.*expected a redis:\/\/ or rediss:\/\/ URL/],
    [
      { url: 'redis://:hunter2@127.0.0.1:6379' },
      /state\.redis\.url.*carries a password; name its variable with passwordEnv/,
    ],
    [{ url: 'redis://127.0.0.1', commandTimeoutMs: 0 }, /state\.redis\.commandTimeoutMs/],
    [{ url: 'redis://127.0.0.1', keyPrefix: 'has space' }, /state\.redis\.keyPrefix.*expected 1-64 letters/],
    [{ url: 'redis://127.0.0.1', key_prefix: 'x' }, /key_prefix/],
    [{ url: 'redis://127.0.0.1', passwordEnv: 'not a var' }, /state\.redis\.passwordEnv/],
  ])('refuses %j naming the field', (redis, message) => {
    const text = errorOf({ ...FULL, state: { redis } });
    expect(text).toMatch(message);
    expect(text).not.toContain('hunter2');
  });

  it('refuses an unknown field under state', () => {
    expect(errorOf({ ...FULL, state: { memcached: {} } })).toMatch(/memcached/);
  });
});
