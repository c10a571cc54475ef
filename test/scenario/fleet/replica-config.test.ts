/** What a fleet replica's relay config says: its port, the Redis link, the key prefix, client keys with budgets and prices. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseRelayConfig } from '../../../src/relay/config.js';
import { relayConfigFor } from '../../../src/scenario/fixture/relay-config.js';
import { parseScenario } from '../../../src/scenario/schema/loader.js';

const scenario = parseScenario(
  `providers: [{ name: a, model: gpt-4.1-mini }]
target: { replicas: 2, state: redis, budgets: { team-a: 0.02 } }
load:
  rate: 10/s
  duration: 5s
  model: gpt-4.1-mini
  mix: { keys: [{ name: team-a, token: sk-team-a }, { name: team-b, token: sk-team-b }] }
`,
  'replica-config.yaml',
);

describe("a replica's relay config", () => {
  it('points state.redis at the link, keeps the port, and turns budgets into client keys the relay accepts', () => {
    const prices = { name: 'book', kind: 'direct' as const, models: { 'gpt-4.1-mini': { input: 0.4, output: 1.6 } } };
    const config = relayConfigFor(scenario, () => '127.0.0.1:7001', {
      port: 41234,
      redisUrl: 'redis://127.0.0.1:7002',
      keyPrefix: 'relaybench:1_2_3:',
      commandTimeoutMs: 40,
      prices,
    });
    expect(config.server).toEqual({ host: '127.0.0.1', port: 41234 });
    expect(config.state).toEqual({
      redis: { url: 'redis://127.0.0.1:7002', keyPrefix: 'relaybench:1_2_3:', commandTimeoutMs: 40 },
    });
    const sha = (token: string): string => createHash('sha256').update(token).digest('hex');
    expect(config.auth).toEqual({
      keys: [
        { id: 'team-a', sha256: sha('sk-team-a'), budgetUsd: 0.02, budgetPeriod: 'total' },
        { id: 'team-b', sha256: sha('sk-team-b') },
      ],
    });
    const chain = (config.models as Record<string, { chain: Array<Record<string, unknown>> }>)['gpt-4.1-mini']!.chain;
    expect(chain[0]!.price).toEqual({ input: 0.4, output: 1.6 });
    // The relay itself accepts it (the loader runs the same check on every builtin scenario).
    expect(() => parseRelayConfig(config)).not.toThrow();
  });

  it('leaves state out without a Redis, and auth out without budgets', () => {
    const plain = parseScenario(`providers: [{ name: a }]\nload: { rate: 10/s, duration: 5s }\n`, 'plain.yaml');
    const config = relayConfigFor(plain, () => '127.0.0.1:7001');
    expect(config.state).toBeUndefined();
    expect(config.auth).toBeUndefined();
    expect(config.server).toEqual({ host: '127.0.0.1', port: 0 });
  });
});
