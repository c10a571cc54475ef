/** The fleet fields of a scenario: replicas, state, redis, spread, budgets, and the fleet's faults; errors name field, value and line. */
import { describe, expect, it } from 'vitest';
import { ScenarioInvalidError } from '../../../src/errors.js';
import { parseScenario } from '../../../src/scenario/schema/loader.js';

function scenarioWith(target: string, faults = '', load = 'rate: 10/s\n  duration: 30s'): string {
  return `providers:
  - name: a
  - name: b
target:
  ${target.trim().split('\n').join('\n  ')}
load:
  ${load}
${faults === '' ? '' : `faults:\n  - ${faults.trim().split('\n').join('\n    ')}\n`}`;
}

/** `path: message` (optionally after `file:line:col: `) as the loader words it: `field 'path': message`. */
function asLoaderSays(expected: string): string {
  return expected.replace(
    /^((?:f\.yaml:\d+:\d+: )?)([\w.[\]-]+): /,
    (_, at: string, path: string) => `${at}field '${path}': `,
  );
}

function errorOf(text: string): string {
  try {
    parseScenario(text, 'f.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioInvalidError);
    return (error as Error).message;
  }
  throw new Error('expected the scenario to be rejected');
}

describe('fleet fields', () => {
  it('defaults to one replica with memory state, round robin', () => {
    const s = parseScenario(scenarioWith('kind: builtin'), 'f.yaml');
    expect(s.target).toMatchObject({ replicas: 1, state: 'memory', spread: 'round_robin' });
  });

  it('reads replicas, state, redis, spread and plans the fleet faults', () => {
    const s = parseScenario(
      scenarioWith(
        'replicas: 3\nstate: redis\nredis: { url: "redis://127.0.0.1:6390/2", key_prefix: "rb:", command_timeout: 50ms }\nspread: random',
        'type: down\ntarget: redis\nat: 5s\nfor: 10s',
      ),
      'f.yaml',
    );
    expect(s.target).toMatchObject({ replicas: 3, state: 'redis', spread: 'random' });
    expect(s.target.redis).toEqual({ url: 'redis://127.0.0.1:6390/2', key_prefix: 'rb:', command_timeout: 50 });
    expect(s.schedule).toEqual([
      expect.objectContaining({ plane: 'proxy', link: 'redis', provider: 'redis', atMs: 5000, forMs: 10_000 }),
    ]);
  });

  it('plans kill_replica with and without a restart', () => {
    const text = `${scenarioWith('replicas: 3', 'type: kill_replica\nreplica: 1\nat: 5s\nfor: 3s')}  - { type: kill_replica, replica: 2, at: 10s }\n`;
    const s = parseScenario(text, 'f.yaml');
    expect(s.schedule).toEqual([
      expect.objectContaining({
        plane: 'replica',
        replica: 1,
        restart: true,
        provider: 'replica-1',
        atMs: 5000,
        forMs: 3000,
      }),
      expect.objectContaining({ plane: 'replica', replica: 2, restart: false, atMs: 10_000, forMs: 20_000 }),
    ]);
  });

  it.each([
    ['replicas: 0', 'f.yaml:5:13: target.replicas: expected an integer from 1 to 16'],
    ['replicas: 40', 'target.replicas: expected an integer from 1 to 16'],
    ['replicas: two', 'target.replicas: expected an integer from 1 to 16'],
    ['state: etcd', 'f.yaml:5:10: target.state: expected memory or redis, got "etcd"'],
    ['spread: sticky', 'target.spread: expected round_robin or random, got "sticky"'],
    ['redis: { url: "redis://x:6379" }', 'target.redis: only with state: redis'],
    [
      'state: redis\nredis: { url: "http://x" }',
      'target.redis.url: expected a Redis URL such as redis://127.0.0.1:6379',
    ],
    [
      'state: redis\nredis: { url: "redis://:hunter2@x:6379" }',
      'target.redis.url: the URL carries a password; name its variable with password_env',
    ],
    ['kind: direct\nreplicas: 2', "target.replicas: not an attribute of target kind 'direct' (only of builtin)"],
    ['budgets: { team-z: 0.5 }', 'target.budgets.team-z: a budget is per client key: give load.mix.keys'],
  ])('rejects %j', (target, expected) => {
    const message = errorOf(scenarioWith(target));
    expect(message).toContain(asLoaderSays(expected));
    expect(message).not.toContain('hunter2');
  });

  it.each([
    [
      'replicas: 3',
      'type: kill_replica\nreplica: 3\nat: 1s',
      'faults[0].replica: no replica 3: the fleet has 3 (indexes 0 to 2',
    ],
    ['replicas: 3', 'type: kill_replica\nat: 1s', 'faults[0].replica: required: the replica'],
    [
      'replicas: 3',
      'type: kill_replica\nreplica: 0\nprovider: a\nat: 1s',
      'faults[0].provider: not an attribute of kill_replica',
    ],
    [
      'replicas: 3',
      'type: down\ntarget: redis\nat: 1s\nfor: 1s',
      'faults[0].target: the Redis link exists only for a builtin target with state: redis',
    ],
    ['state: redis', 'type: down\ntarget: mysql\nat: 1s\nfor: 1s', 'faults[0].target: expected redis'],
    [
      'state: redis',
      'type: http_status\nstatus: 503\ntarget: redis\nat: 1s\nfor: 1s',
      'faults[0].target: not an attribute of http_status',
    ],
    [
      'state: redis',
      'type: down\ntarget: redis\nprovider: a\nat: 1s\nfor: 1s',
      'faults[0].provider: give provider(s) or target: redis, not both',
    ],
  ])('rejects the fault %j / %j', (target, fault, expected) => {
    expect(errorOf(scenarioWith(target, fault))).toContain(asLoaderSays(expected));
  });

  it('rejects a budget for a client key the mix does not have, and replicas in the closed model', () => {
    const keys = 'rate: 10/s\n  duration: 30s\n  mix: { keys: [{ name: team-a, token: sk-a }] }';
    expect(errorOf(scenarioWith('budgets: { team-b: 1 }', '', keys))).toContain(
      asLoaderSays("target.budgets.team-b: unknown client key 'team-b'; load.mix.keys: team-a"),
    );
    expect(errorOf(scenarioWith('replicas: 2', '', 'mode: closed\n  connections: 2\n  duration: 5s'))).toContain(
      asLoaderSays('target.replicas: the load spreads over replicas in the open model only'),
    );
  });
});
