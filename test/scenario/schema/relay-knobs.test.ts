/**
 * The scenario fields that set our relay's per-provider knobs (stream idle timeout, context
 * window, output limit, key pools) and the per-key faults: parsed, checked with messages naming
 * field, value and line, and handed to the relay's config and the mock's control API.
 */
import { describe, expect, it } from 'vitest';
import { relayConfigFor } from '../../../src/scenario/fixture/relay-config.js';
import { harnessKeyEnv } from '../../../src/scenario/fixture/provider-keys.js';
import { parseScenario } from '../../../src/scenario/schema/loader.js';

const LOAD = 'load: { rate: 5/s, duration: 4s, model: gpt-4.1-mini }\n';

const KNOBS = `providers:
  - { name: primary, keys: 2, key_rpm: 30 }
  - { name: fallback }
  - { name: real, kind: upstream, url: 'https://api.example.com/v1', api_key_envs: [REAL_KEY_A, REAL_KEY_B] }
target:
  chain:
    - { provider: primary, context_window: 8000, max_output_tokens: 1024, key_selection: round-robin }
    - { provider: fallback, context_window: 128000, stream_idle_timeout: 9s }
    - real
  stream_idle_timeout: 4s
${LOAD}faults:
  - { type: auth_error, provider: primary, key: 2, status: 403, at: 1s, for: 1s }
  - { type: key_rate_limit, provider: primary, key: 1, retry_after: 2s, at: 2s, for: 1s }
`;

interface Config {
  providers: Array<Record<string, unknown>>;
  models: Record<string, { chain: Array<Record<string, unknown>> }>;
}

describe('relay knobs in a scenario', () => {
  const scenario = parseScenario(KNOBS, 'knobs.yaml');
  const config = relayConfigFor(scenario, (name) => `127.0.0.1:${name.length}`) as unknown as Config;
  const provider = (name: string) => config.providers.find((p) => p.name === name)!;

  it('become the relay config: streamIdleTimeoutMs, keySelection, apiKeyEnvs per provider; contextWindow and maxOutputTokens per chain entry', () => {
    expect(provider('primary')).toMatchObject({
      streamIdleTimeoutMs: 4000,
      keySelection: 'round-robin',
      apiKeyEnvs: ['RELAYBENCH_PRIMARY_KEY1', 'RELAYBENCH_PRIMARY_KEY2'],
    });
    expect(provider('fallback')).toMatchObject({ streamIdleTimeoutMs: 9000 });
    expect(provider('fallback')).not.toHaveProperty('apiKeyEnvs');
    expect(provider('real')).toMatchObject({ apiKeyEnvs: ['REAL_KEY_A', 'REAL_KEY_B'], streamIdleTimeoutMs: 4000 });
    const chain = config.models['gpt-4.1-mini']!.chain;
    expect(chain[0]).toMatchObject({ provider: 'primary', contextWindow: 8000, maxOutputTokens: 1024 });
    expect(chain[1]).toMatchObject({ provider: 'fallback', contextWindow: 128000 });
    expect(chain[1]).not.toHaveProperty('maxOutputTokens');
  });

  it("leaves the relay's own defaults alone when nothing is set", () => {
    const plain = parseScenario(`providers: [{ name: a }]\n${LOAD}`, 'plain.yaml');
    const p = (relayConfigFor(plain, () => '127.0.0.1:1') as unknown as Config).providers[0]!;
    for (const field of ['streamIdleTimeoutMs', 'keySelection', 'apiKeyEnvs', 'apiKeyEnv'])
      expect(p).not.toHaveProperty(field);
  });

  it('makes one key per pool slot, in variables for the relay and the mock, never in the config', () => {
    expect(harnessKeyEnv(scenario.providers)).toEqual({
      RELAYBENCH_PRIMARY_KEY1: 'relaybench-primary-key1',
      RELAYBENCH_PRIMARY_KEY2: 'relaybench-primary-key2',
      RELAYBENCH_PRIMARY_KEYS: 'relaybench-primary-key1,relaybench-primary-key2',
    });
    expect(JSON.stringify(config)).not.toContain('relaybench-primary-key');
  });

  it("names a per-key fault's key on the wire by its last characters", () => {
    const mock = scenario.schedule.filter((f) => f.plane === 'mock').map((f) => f.request);
    expect(mock).toEqual([
      { kind: 'auth_error', rate: 1, key: 'key2', status: 403 },
      { kind: 'key_rate_limit', rate: 1, key: 'key1', retryAfter: 2 },
    ]);
  });

  it.each([
    [
      'keys on an upstream',
      `providers: [{ name: u, url: 'https://x.example/v1', api_key_env: K, keys: 2 }]\n`,
      /:1:\d+: field 'providers\[0\]\.keys': an upstream's keys are real ones/,
    ],
    [
      'keys: 0',
      'providers: [{ name: a, keys: 0 }]\n',
      /field 'providers\[0\]\.keys': expected the number of keys in the pool, a whole number from 1 to 31, got 0/,
    ],
    [
      'keys over the pool limit',
      'providers: [{ name: a, keys: 40 }]\n',
      /field 'providers\[0\]\.keys': expected .*from 1 to 31, got 40/,
    ],
    [
      'key_rpm without keys',
      'providers: [{ name: a, key_rpm: 5 }]\n',
      /field 'providers\[0\]\.key_rpm': a limit per key needs 'keys: N'/,
    ],
    [
      'both key fields',
      `providers: [{ name: u, url: 'https://x.example/v1', api_key_env: K, api_key_envs: [L] }]\n`,
      /field 'providers\[0\]\.api_key_envs': give api_key_env \(one key\) or api_key_envs \(a pool\), not both/,
    ],
    [
      'a variable twice',
      `providers: [{ name: u, url: 'https://x.example/v1', api_key_envs: [L, L] }]\n`,
      /field 'providers\[0\]\.api_key_envs': L is listed twice/,
    ],
    [
      'a context window below 1',
      'providers: [{ name: a }]\ntarget: { chain: [{ provider: a, context_window: 0 }] }\n',
      /:2:\d+: field 'target\.chain\[0\]\.context_window': expected tokens, a whole number from 1 to 1000000000, got 0/,
    ],
    [
      'a fractional output limit',
      'providers: [{ name: a }]\ntarget: { chain: [{ provider: a, max_output_tokens: 1.5 }] }\n',
      /field 'target\.chain\[0\]\.max_output_tokens': expected tokens, a whole number from 1 to 100000000, got 1\.5/,
    ],
    [
      'an idle timeout that is no duration',
      'providers: [{ name: a }]\ntarget: { stream_idle_timeout: soon }\n',
      /field 'target\.stream_idle_timeout': expected a duration such as 250ms, 8s or 1m, got "soon"/,
    ],
    [
      'an unknown key selection',
      'providers: [{ name: a, keys: 2 }]\ntarget: { chain: [{ provider: a, key_selection: random }] }\n',
      /field 'target\.chain\[0\]\.key_selection': Invalid option: expected one of "least-used"\|"round-robin"/,
    ],
    [
      'a key selection without a pool',
      'providers: [{ name: a }]\ntarget: { chain: [{ provider: a, key_selection: round-robin }] }\n',
      /field 'target\.chain\[0\]\.key_selection': 'round-robin' picks among keys, but 'a' has no key pool/,
    ],
    [
      'an unknown chain entry key',
      'providers: [{ name: a }]\ntarget: { chain: [{ provider: a, window: 5 }] }\n',
      /field 'target\.chain\[0\]\.window': unknown key \(allowed: provider, priority, weight, context_window/,
    ],
    [
      'stream_idle_timeout on an external target',
      "providers: [{ name: a }]\ntarget: { kind: external, url: 'http://127.0.0.1:1', stream_idle_timeout: 5s }\n",
      /field 'target\.stream_idle_timeout': not an attribute of target kind 'external' \(only of builtin\)/,
    ],
    [
      'a context window on a direct target',
      'providers: [{ name: a }]\ntarget: { kind: direct, chain: [{ provider: a, context_window: 9 }] }\n',
      /field 'target\.chain\[0\]': context_window is one of our relay's settings \(kind builtin\)/,
    ],
    [
      'a per-key fault on a provider without keys',
      'providers: [{ name: a }]\nfaults: [{ type: auth_error, provider: a, key: 1, at: 1s, for: 1s }]\n',
      /field 'faults\[0\]\.key': 'auth_error' hits one key of a pool the harness makes, but 'a' has none/,
    ],
    [
      'a key the pool does not have',
      'providers: [{ name: a, keys: 2 }]\nfaults: [{ type: key_rate_limit, provider: a, key: 3, at: 1s, for: 1s }]\n',
      /field 'faults\[0\]\.key': 'a' has 2 key\(s\), so key 3 does not exist/,
    ],
    [
      'an auth status that is no auth error',
      'providers: [{ name: a, keys: 2 }]\nfaults: [{ type: auth_error, provider: a, key: 1, status: 500, at: 1s, for: 1s }]\n',
      /field 'faults\[0\]\.status': expected one of 401, 402, 403, got 500/,
    ],
    [
      'two pools in one variable',
      'providers: [{ name: open-ai, keys: 1 }, { name: open_ai, keys: 1 }]\n',
      /field 'providers\[1\]\.name': 'open_ai' and 'open-ai' would share the key variables RELAYBENCH_OPEN_AI_KEYS/,
    ],
  ])('rejects %s, naming the field, the value and the line', (_what, head, message) => {
    expect(() => parseScenario(`${head}${LOAD}`, 'bad.yaml')).toThrow(message);
  });
});
