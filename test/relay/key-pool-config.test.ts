import { describe, expect, it } from 'vitest';
import { parseRelayConfigText } from '../../src/relay/config.js';
import { KeyPool } from '../../src/relay/policies/key-pool.js';
import { createRelayApp } from '../../src/relay/relay-app.js';
import { prepareTargets } from '../../src/relay/target.js';

const pooled = (keys: string, extra = ''): string => `providers:
  - name: openai
    dialect: openai
    baseUrl: http://127.0.0.1:9/v1
${keys}${extra}
models:
  chat:
    chain:
      - { provider: openai, model: gpt-4.1-mini }
logging: { level: silent }
`;

function errorOf(text: string): string {
  try {
    parseRelayConfigText(text, 'relay.yaml');
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the config to be refused');
}

describe('key pool config', () => {
  it('accepts apiKeyEnvs with least-used selection by default', () => {
    const config = parseRelayConfigText(pooled('    apiKeyEnvs: [KP_CFG_A, KP_CFG_B]\n'), 'relay.yaml');
    expect(config.providers[0]).toMatchObject({
      apiKeyEnv: undefined,
      apiKeyEnvs: ['KP_CFG_A', 'KP_CFG_B'],
      keySelection: 'least-used',
    });
  });

  it.each([
    [
      'both apiKeyEnv and apiKeyEnvs',
      pooled('    apiKeyEnv: KP_CFG_A\n    apiKeyEnvs: [KP_CFG_B]\n'),
      "providers[0].apiKeyEnvs': provider 'openai': set apiKeyEnv or apiKeyEnvs, not both",
    ],
    [
      'a variable twice',
      pooled('    apiKeyEnvs: [KP_CFG_A, KP_CFG_A]\n'),
      "provider 'openai': variable KP_CFG_A appears twice in the pool",
    ],
    ['an empty pool', pooled('    apiKeyEnvs: []\n'), 'providers[0].apiKeyEnvs'],
    ['an unknown selection', pooled('    apiKeyEnvs: [KP_CFG_A]\n', '    keySelection: random\n'), 'keySelection'],
    ['a key value instead of a name', pooled('    apiKeyEnvs: [sk-abcdefghijklmnopqrstuvwxyz]\n'), 'value not shown'],
  ])('refuses %s, naming the field', (_name, text, expected) => {
    const message = errorOf(text);
    expect(message).toContain(expected);
    expect(message).not.toContain('sk-abcdefghijklmnopqrstuvwxyz');
  });

  it('refuses to start with a pool variable unset, naming the variable', () => {
    const config = parseRelayConfigText(pooled('    apiKeyEnvs: [KP_CFG_SET, KP_CFG_UNSET]\n'), 'relay.yaml');
    process.env['KP_CFG_SET'] = 'kp-cfg-secret-value';
    try {
      expect(() => createRelayApp(config)).toThrow(
        /target openai\/gpt-4\.1-mini: apiKeyEnvs: environment variable KP_CFG_UNSET is unset or empty/,
      );
    } finally {
      delete process.env['KP_CFG_SET'];
    }
  });
});

describe('pooled targets', () => {
  it.each([
    ['openai', 'authorization', (key: string) => `Bearer ${key}`],
    ['anthropic', 'x-api-key', (key: string) => key],
    ['gemini', 'x-goog-api-key', (key: string) => key],
  ] as const)('%s: one view per key, each with its own auth header, none serialised', (dialect, header, value) => {
    const pool = new KeyPool('p', ['V_A', 'V_B'], 'least-used');
    const env = { V_A: 'kp-view-key-a', V_B: 'kp-view-key-b' };
    const [target] = prepareTargets(
      [{ name: 't', dialect, baseUrl: 'http://p.test/v1', model: 'm', keyPool: pool }],
      env,
    );
    const views = target!.keys!.views;
    expect(views.map((view) => view.headers[header])).toEqual([value(env.V_A), value(env.V_B)]);
    expect(views.map((view) => [view.name, view.origin, view.model])).toEqual([
      ['t', 'http://p.test', 'm'],
      ['t', 'http://p.test', 'm'],
    ]);
    expect(target!.keys!.pool).toBe(pool);
    expect(JSON.stringify([target, ...views])).not.toContain('kp-view-key');
  });
});
