import { describe, expect, it } from 'vitest';
import { ConfigInvalidError } from '../../src/errors.js';
import {
  loadRelayConfig,
  parseRelayConfig,
  parseRelayConfigText,
  relayConfigDefaults,
} from '../../src/relay/config.js';

const HASH = 'a'.repeat(64);

const FULL = `server:
  port: 4100
auth:
  keys:
    - id: team-a
      sha256: ${HASH}
      budgetUsd: 50
      onBudgetExhausted: downgrade
      downgradeTo: cheap
providers:
  - name: openai
    dialect: openai
    baseUrl: https://api.openai.com/v1
    apiKeyEnv: OPENAI_API_KEY
  - name: anthropic
    dialect: anthropic
    baseUrl: https://api.anthropic.com/v1
models:
  gpt-4.1:
    chain:
      - { provider: openai, model: gpt-4.1, price: { input: 2, output: 8 } }
      - { provider: anthropic, model: claude-sonnet-4-5, weight: 2 }
  cheap:
    chain:
      - { provider: openai, model: gpt-4.1-mini, name: mini }
`;

/** The thrown ConfigInvalidError's message. */
function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigInvalidError);
    expect((error as ConfigInvalidError).code).toBe('CONFIG_INVALID');
    return (error as Error).message;
  }
  throw new Error('expected the config to be rejected');
}

const textError = (text: string): string => errorOf(() => parseRelayConfigText(text, 'relay.yaml'));

describe('relay config, full form', () => {
  it('fills defaults, derives target names and priorities, converts prices', () => {
    const config = parseRelayConfigText(FULL, 'relay.yaml');
    expect(config.server).toEqual({ ...relayConfigDefaults.server, port: 4100 });
    expect(config.providers[1]).toEqual({
      name: 'anthropic',
      dialect: 'anthropic',
      baseUrl: 'https://api.anthropic.com/v1',
      apiKeyEnv: undefined,
      keySelection: 'least-used',
      keyProbeAfterMs: 300_000,
      attemptTimeoutMs: 30_000,
      ttfbTimeoutMs: 10_000,
      streamIdleTimeoutMs: 15_000,
      healthCheck: undefined,
    });
    expect(config.models['gpt-4.1']?.chain).toEqual([
      {
        name: 'openai/gpt-4.1',
        provider: 'openai',
        model: 'gpt-4.1',
        weight: 1,
        priority: 0,
        price: { inputPerMTok: 2, outputPerMTok: 8 },
      },
      {
        name: 'anthropic/claude-sonnet-4-5',
        provider: 'anthropic',
        model: 'claude-sonnet-4-5',
        weight: 2,
        priority: 1,
        price: undefined,
      },
    ]);
    expect(config.models['cheap']?.chain[0]?.name).toBe('mini');
    expect(config.auth.keys[0]).toMatchObject({
      id: 'team-a',
      budgetPeriod: 'month',
      onBudgetExhausted: 'downgrade',
      downgradeTo: 'cheap',
    });
    expect(config.policies).toEqual(relayConfigDefaults.policies);
    expect(config.logging).toEqual({ level: 'info', logPrompts: false });
    expect(config.catchAll).toBeUndefined();
  });

  it('returns a deeply frozen config whose alias map has no prototype', () => {
    const config = parseRelayConfigText(FULL, 'relay.yaml');
    expect(Object.isFrozen(config.models['gpt-4.1']?.chain[0])).toBe(true);
    expect(Object.isFrozen(config.server)).toBe(true);
    expect(config.models['constructor']).toBeUndefined();
    expect(config.models['__proto__']).toBeUndefined();
    expect(Object.isFrozen(relayConfigDefaults.policies.breaker)).toBe(true);
  });

  it('applies command-line overrides and validates them', () => {
    expect(parseRelayConfigText(FULL, 'relay.yaml', { port: 0 }).server.port).toBe(0);
    expect(errorOf(() => parseRelayConfigText(FULL, 'relay.yaml', { port: 70_000 }))).toContain(
      '--port: expected an integer from 0 to 65535, got 70000',
    );
  });

  it('parses the documented example file', async () => {
    const config = await loadRelayConfig('fixtures/relay.example.yaml');
    expect(config.providers.map((p) => p.dialect)).toEqual(['openai', 'anthropic', 'gemini', 'openai']);
    expect(Object.keys(config.models)).toEqual(['gpt-4.1', 'balanced', 'cheap']);
    expect(config.providers[0]?.healthCheck).toEqual({ path: '/models', intervalMs: 10_000, timeoutMs: 2_000 });
    expect(config.auth.keys.map((key) => key.id)).toEqual(['team-a', 'ci']);
    // The example documents every default with its value.
    expect(config.policies).toEqual(relayConfigDefaults.policies);
    expect(config.server).toEqual(relayConfigDefaults.server);
  });

  it('names the file when it cannot be read', async () => {
    await expect(loadRelayConfig('no/such/relay.yaml')).rejects.toThrow(
      /relay config no\/such\/relay\.yaml: cannot read/,
    );
  });
});

describe('relay config errors: file, line, column, field', () => {
  it.each([
    [
      'an unknown key',
      FULL.replace('  port: 4100', '  port: 4100\n  prot: 1'),
      "relay.yaml:3:3: field 'server.prot': unknown key (allowed: host, port, maxInFlight",
    ],
    [
      'a wrong type, quoting the value',
      FULL.replace('port: 4100', 'port: "80"'),
      'relay.yaml:2:9: field \'server.port\': Invalid input: expected number, received string, got "80"',
    ],
    [
      'an out-of-range value',
      FULL.replace('budgetUsd: 50', 'budgetUsd: -1'),
      "relay.yaml:7:18: field 'auth.keys[0].budgetUsd'",
    ],
    [
      'an unknown dialect',
      FULL.replace('dialect: anthropic', 'dialect: cohere'),
      "relay.yaml:16:14: field 'providers[1].dialect'",
    ],
    [
      'a non-http baseUrl',
      FULL.replace('https://api.anthropic.com/v1', 'ftp://x/v1'),
      'relay.yaml:17:14: field \'providers[1].baseUrl\': expected an http(s) URL, got "ftp://x/v1"',
    ],
    [
      'a missing field (points at its parent)',
      FULL.replace('    dialect: anthropic\n', ''),
      "relay.yaml:15:5: field 'providers[1].dialect'",
    ],
    [
      'an empty chain',
      FULL.replace(/ {4}chain:\n {6}- \{ provider: openai, model: gpt-4.1-mini, name: mini \}\n/, '    chain: []\n'),
      "field 'models.cheap.chain'",
    ],
    [
      'an unknown chain-entry key',
      FULL.replace('weight: 2', 'wieght: 2'),
      "relay.yaml:22:58: field 'models.gpt-4.1.chain[1].wieght': unknown key",
    ],
    [
      'a bad hedge delay',
      `${FULL}policies:\n  hedge: { delayMs: p99 }\n`,
      'relay.yaml:27:21: field \'policies.hedge.delayMs\': expected a number of milliseconds or "p95", got "p99"',
    ],
    [
      'a missing providers list',
      'models: { a: { chain: [ { provider: x, model: y } ] } }\n',
      "relay.yaml:1:1: field 'providers'",
    ],
  ])('%s', (_name, text, expected) => {
    expect(textError(text)).toContain(expected);
  });

  it.each([
    [
      'an unknown provider in a chain',
      FULL.replace('provider: anthropic, model', 'provider: anthropc, model'),
      "relay.yaml:22:21: field 'models.gpt-4.1.chain[1].provider': unknown provider 'anthropc' (known: openai, anthropic)",
    ],
    [
      'an unknown downgrade alias',
      FULL.replace('downgradeTo: cheap', 'downgradeTo: cheaper'),
      "relay.yaml:9:20: field 'auth.keys[0].downgradeTo': unknown alias 'cheaper' (known: gpt-4.1, cheap)",
    ],
    [
      'downgrade without an alias',
      FULL.replace('      downgradeTo: cheap\n', ''),
      "field 'auth.keys[0].downgradeTo': required with onBudgetExhausted: downgrade",
    ],
    [
      'downgradeTo with reject',
      FULL.replace('onBudgetExhausted: downgrade', 'onBudgetExhausted: reject'),
      "relay.yaml:9:20: field 'auth.keys[0].downgradeTo': only allowed with onBudgetExhausted: downgrade",
    ],
    [
      'a duplicate provider',
      FULL.replace('name: anthropic', 'name: openai'),
      "relay.yaml:15:11: field 'providers[1].name': duplicate provider name 'openai' (also providers[0])",
    ],
    [
      'a target twice in one chain',
      FULL.replace('model: claude-sonnet-4-5, weight: 2', 'model: claude-sonnet-4-5, name: openai/gpt-4.1'),
      "target 'openai/gpt-4.1' appears twice in this chain",
    ],
    [
      'a target name meaning two things',
      FULL.replace('model: gpt-4.1-mini, name: mini', 'model: gpt-4.1-mini, name: openai/gpt-4.1'),
      "target name 'openai/gpt-4.1' already means openai/gpt-4.1 in alias 'gpt-4.1'",
    ],
    [
      'a ttfb timeout above the attempt timeout',
      FULL.replace(
        '    apiKeyEnv: OPENAI_API_KEY\n',
        '    apiKeyEnv: OPENAI_API_KEY\n    attemptTimeoutMs: 1000\n    ttfbTimeoutMs: 2000\n',
      ),
      "field 'providers[0].ttfbTimeoutMs': must not exceed attemptTimeoutMs (1000), got 2000",
    ],
    [
      'backoff bounds out of order',
      `${FULL}policies:\n  retry: { baseMs: 500, maxBackoffMs: 100 }\n`,
      "field 'policies.retry.maxBackoffMs': must be >= baseMs (500), got 100",
    ],
  ])('cross-field: %s', (_name, text, expected) => {
    expect(textError(text)).toContain(expected);
  });

  it('reports every problem at once, one per line', () => {
    const message = textError(FULL.replace('port: 4100', 'port: -1').replace('dialect: anthropic', 'dialect: x'));
    const lines = message.split('\n');
    expect(lines[0]).toBe('invalid relay config relay.yaml');
    expect(lines.slice(1)).toHaveLength(2);
    expect(message).toContain("relay.yaml:2:9: field 'server.port'");
    expect(message).toContain("relay.yaml:16:14: field 'providers[1].dialect'");
  });

  it('reports YAML syntax errors with their line', () => {
    expect(textError('providers:\n  - name: a\n models: [\n')).toMatch(
      /^invalid relay config relay\.yaml\nrelay\.yaml:\d+:\d+: YAML: /,
    );
  });

  it('names paths (and the source label) for objects not read from YAML', () => {
    const message = errorOf(() => parseRelayConfig({ providers: 'x', models: {} }, { source: '--config-json' }));
    expect(message).toContain(
      '--config-json: field \'providers\': Invalid input: expected array, received string, got "x"',
    );
    expect(message).toContain("--config-json: field 'models': expected at least one alias");
  });
});

describe('relay config secrets', () => {
  const KEY = 'sk-proj-abcdefghijklmnopqrstuvwxyz0123';

  it.each([
    [
      'an api key field',
      FULL.replace('    apiKeyEnv: OPENAI_API_KEY\n', `    apiKey: ${KEY}\n`),
      "relay.yaml:14:13: field 'providers[0].apiKey': secrets are not allowed in the config file",
    ],
    [
      'a key pasted into apiKeyEnv',
      FULL.replace('apiKeyEnv: OPENAI_API_KEY', `apiKeyEnv: ${KEY}`),
      "relay.yaml:14:16: field 'providers[0].apiKeyEnv': looks like an API key",
    ],
    [
      'a key in the URL',
      FULL.replace('https://api.anthropic.com/v1', 'https://api.anthropic.com/v1?key=abc123'),
      "field 'providers[1].baseUrl': the URL carries credentials",
    ],
    [
      'a token instead of its hash',
      FULL.replace(HASH, 'my-client-token-1234'),
      "field 'auth.keys[0].sha256': expected 64 hex characters: the sha256 of the bearer token, not the token, got <redacted>",
    ],
  ])('refuses %s without echoing it', (_name, text, expected) => {
    const message = textError(text);
    expect(message).toContain(expected);
    for (const secret of [KEY, 'abc123', 'my-client-token-1234']) expect(message).not.toContain(secret);
  });

  it('reports a secret field once, not also as an unknown key', () => {
    const message = textError(FULL.replace('    apiKeyEnv: OPENAI_API_KEY\n', `    apiKey: ${KEY}\n`));
    expect(message.split('\n').filter((line) => line.includes('apiKey'))).toHaveLength(1);
  });

  it('accepts an upper-case hash and stores it lower-case', () => {
    const config = parseRelayConfigText(FULL.replace(HASH, 'A'.repeat(64)), 'relay.yaml');
    expect(config.auth.keys[0]?.sha256).toBe(HASH);
  });
});

describe('relay config, legacy skeleton form', () => {
  const target = { name: 'primary', baseUrl: 'http://127.0.0.1:9000/v1' };

  it('becomes one openai provider per target and a catch-all chain', () => {
    const config = parseRelayConfig({
      attemptTimeoutMs: 2500,
      targets: [
        { ...target, model: 'gpt-4.1-mini', apiKeyEnv: 'OPENAI_API_KEY' },
        { name: 'b', baseUrl: 'https://x.example/v1' },
      ],
    });
    expect(config.server).toMatchObject({ host: '127.0.0.1', port: 0 });
    expect(config.providers).toEqual([
      {
        name: 'primary',
        dialect: 'openai',
        baseUrl: target.baseUrl,
        apiKeyEnv: 'OPENAI_API_KEY',
        keySelection: 'least-used',
        keyProbeAfterMs: 300_000,
        attemptTimeoutMs: 2500,
        ttfbTimeoutMs: 2500,
        streamIdleTimeoutMs: 15_000,
        healthCheck: undefined,
      },
      {
        name: 'b',
        dialect: 'openai',
        baseUrl: 'https://x.example/v1',
        apiKeyEnv: undefined,
        keySelection: 'least-used',
        keyProbeAfterMs: 300_000,
        attemptTimeoutMs: 2500,
        ttfbTimeoutMs: 2500,
        streamIdleTimeoutMs: 15_000,
        healthCheck: undefined,
      },
    ]);
    expect(config.catchAll).toEqual([
      { name: 'primary', provider: 'primary', model: 'gpt-4.1-mini', weight: 1, priority: 0, price: undefined },
      { name: 'b', provider: 'b', model: undefined, weight: 1, priority: 1, price: undefined },
    ]);
    expect(Object.keys(config.models)).toEqual([]);
    expect(config.policies).toEqual(relayConfigDefaults.policies);
  });

  it('keeps its historical defaults (ephemeral port, 10 s attempts)', () => {
    const config = parseRelayConfig({ targets: [target] });
    expect(config.server.port).toBe(0);
    expect(config.providers[0]?.attemptTimeoutMs).toBe(10_000);
  });

  it('never mutates its input', () => {
    const input = { port: 1234, targets: [{ ...target }] };
    const snapshot = structuredClone(input);
    parseRelayConfig(input, { overrides: { port: 5 } });
    expect(input).toEqual(snapshot);
  });

  it.each([
    ['a missing targets list', { host: 'x', targets: undefined }, 'targets', 'nothing (missing)'],
    ['an empty targets list', { targets: [] }, 'targets', '[]'],
    ['a port out of range', { port: 70000, targets: [target] }, 'port', '70000'],
    ['a zero attempt timeout', { attemptTimeoutMs: 0, targets: [target] }, 'attemptTimeoutMs', '0'],
    [
      'a name with spaces',
      { targets: [{ name: 'my target', baseUrl: target.baseUrl }] },
      'targets[0].name',
      '"my target"',
    ],
    ['a bad env var name', { targets: [{ ...target, apiKeyEnv: 'my-key' }] }, 'targets[0].apiKeyEnv', '"my-key"'],
  ])('rejects %s, naming the field and the value', (_name, input, path, shown) => {
    const message = errorOf(() => parseRelayConfig(input));
    expect(message).toContain(`field '${path}': `);
    expect(message).toContain(`got ${shown}`);
  });

  it('refuses a mix of the legacy and the full form', () => {
    expect(errorOf(() => parseRelayConfig({ targets: [target], providers: [] }))).toContain(
      "field 'targets': the legacy `targets` list cannot be combined",
    );
  });
});
