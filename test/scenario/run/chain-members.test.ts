/**
 * Chain members with priority and weight: a balanced group from a scenario file, handed to our
 * relay's config, and measured to split the traffic by weight.
 */
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../../src/scenario/schema/loader.js';
import { relayConfigFor } from '../../../src/scenario/fixture/relay-config.js';
import { playScenario } from '../../../src/scenario/run/play.js';

const PROVIDERS = `providers:
  - { name: openai, latency: 5ms }
  - { name: deepseek, latency: 5ms }
  - { name: gemini, dialect: gemini, latency: 5ms }
`;

describe('chain members', () => {
  it('takes { provider, priority, weight } entries beside plain names and passes them to the relay', () => {
    const s = parseScenario(
      `${PROVIDERS}target:\n  chain: [{ provider: openai, priority: 0, weight: 3 }, { provider: deepseek, priority: 0 }, gemini]\nload: { rate: 10/s, duration: 1s }\n`,
      'm.yaml',
    );
    expect(s.target.chain).toEqual(['openai', 'deepseek', 'gemini']);
    const config = relayConfigFor(s, (name) => `127.0.0.1:${name.length}`) as {
      models: Record<string, { chain: unknown[] }>;
    };
    expect(Object.values(config.models)[0]!.chain).toEqual([
      { provider: 'openai', model: 'gpt-4.1-mini', priority: 0, weight: 3 },
      { provider: 'deepseek', model: 'gpt-4.1-mini', priority: 0 },
      { provider: 'gemini', model: expect.any(String), priority: 2 },
    ]);
  });

  it.each([
    [
      'a direct target',
      'target: { kind: direct, chain: [{ provider: openai, weight: 2 }] }',
      /field 'target\.chain\[0\]': priority and weight are our relay's settings \(kind builtin\); a direct target takes provider names only/,
    ],
    ['a weight of 0', 'target: { chain: [{ provider: openai, weight: 0 }] }', /field 'target\.chain\[0\]\.weight'/],
    [
      'an unknown provider',
      'target: { chain: [{ provider: nobody }] }',
      /field 'target\.chain\[0\]': unknown provider 'nobody'/,
    ],
  ])('rejects %s, naming the field', (_what, target, message) => {
    expect(() => parseScenario(`${PROVIDERS}${target}\nload: { rate: 10/s, duration: 1s }\n`, 'm.yaml')).toThrow(
      message,
    );
  });

  it('a balanced group serves by weight (measured through our relay)', async () => {
    const s = parseScenario(
      `${PROVIDERS}target:\n  chain: [{ provider: openai, priority: 0, weight: 3 }, { provider: deepseek, priority: 0, weight: 1 }]\n  policies: { balancing: { tolerance: 10 } }\nload: { rate: 100/s, duration: 3s, timeout: 5s }\n`,
      'balanced.yaml',
    );
    const outcome = await playScenario(s);
    const served = { openai: 0, deepseek: 0 };
    for (const r of outcome.records) if (r.outcome === 'ok') served[r.provider as keyof typeof served]++;
    expect(served.openai + served.deepseek).toBe(outcome.scheduled);
    // 3:1 by weight; generous bounds for a 300-request sample.
    expect(served.openai / outcome.scheduled).toBeGreaterThan(0.6);
    expect(served.openai / outcome.scheduled).toBeLessThan(0.9);
  }, 60_000);
});
