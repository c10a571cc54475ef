/**
 * A deployment the harness did not start, on real processes: the fault plane, two running mocks
 * and our relay each on a loopback address of their own (127.0.0.2-5; all of 127/8 is this
 * machine), started by the test as a staging cluster would run them. The scenario names only
 * URLs, a fixed proxy port per provider (the relay's config points at them) and where the fault
 * plane's proxies listen: nothing may assume the harness's own address, and the harness starts
 * no process. A TCP fault goes through the remote fault plane, an HTTP-level one through the
 * running mock's control API; both are rolled back and the proxies removed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../src/scenario/fixture/external-command.js';
import { startService, type RunningService } from '../../../src/scenario/fixture/services.js';
import { playScenario } from '../../../src/scenario/run/play.js';
import { parseScenario } from '../../../src/scenario/schema/loader.js';

const services: RunningService[] = [];
let faultPlane: RunningService;
let stage: RunningService;
let backup: RunningService;
let relay: RunningService;
const ports = { stage: 0, backup: 0 };

async function start(name: string, args: string[]): Promise<RunningService> {
  const service = await startService(name, args);
  services.push(service);
  return service;
}

beforeAll(async () => {
  faultPlane = await start('fault plane', ['toxiproxy', '--host', '127.0.0.2', '--port', '0']);
  const mock = (name: string): string[] => ['mock', '--name', name, '--host', '127.0.0.4', '--port', '0'];
  stage = await start('stage', [...mock('stage'), '--latency-ms', '5']);
  backup = await start('backup', [...mock('backup'), '--latency-ms', '5']);
  ports.stage = await freePort();
  ports.backup = await freePort();
  const relayConfig = {
    server: { host: '127.0.0.5', port: 0 },
    providers: (['stage', 'backup'] as const).map((name) => ({
      name,
      dialect: 'openai',
      baseUrl: `http://127.0.0.3:${ports[name]}/v1`,
      attemptTimeoutMs: 2000,
      ttfbTimeoutMs: 2000,
    })),
    models: {
      'gpt-4.1-mini': {
        chain: [
          { provider: 'stage', model: 'gpt-4.1-mini', priority: 0 },
          { provider: 'backup', model: 'gpt-4.1-mini', priority: 1 },
        ],
      },
    },
    policies: { breaker: { openMs: 300 } },
    logging: { level: 'warn' },
  };
  relay = await start('relay', ['relay', '--config-json', JSON.stringify(relayConfig)]);
}, 60_000);

afterAll(async () => {
  for (const service of services.reverse()) await service.stop();
});

describe('a deployment the harness did not start', () => {
  it('drills it through a remote fault plane and a running mock’s control API, starting nothing itself', async () => {
    expect(faultPlane.url).toMatch(/^http:\/\/127\.0\.0\.2:/);
    expect(relay.url).toMatch(/^http:\/\/127\.0\.0\.5:/);
    const scenario = parseScenario(
      `providers:
  - { name: stage, url: '${stage.url}', proxy_port: ${ports.stage} }
  - { name: backup, url: '${backup.url}', proxy_port: ${ports.backup} }
fault_plane: { listen_host: 127.0.0.3 }
target: { kind: external, url: '${relay.url}', chain: [stage, backup] }
load: { rate: 20/s, duration: 4s, timeout: 5s }
faults:
  - { type: down, provider: stage, at: 800ms, for: 1s }
  - { type: http_status, status: 503, provider: stage, at: 2500ms, for: 800ms }
`,
      'staging.yaml',
    );
    const outcome = await playScenario(scenario, { faultPlaneUrl: faultPlane.url });

    expect(outcome.processes).toEqual([]);
    expect(outcome.faultPlane).toEqual({ url: faultPlane.url, embedded: false });
    expect(outcome.cleanupErrors).toEqual([]);
    expect(outcome.records).toHaveLength(outcome.scheduled);
    expect(outcome.scheduled).toBe(80);
    // The relay fails over during both faults: every request is answered.
    expect(outcome.records.filter((r) => r.outcome !== 'ok')).toEqual([]);
    const servedBy = (from: number, to: number): Set<string | undefined> =>
      new Set(outcome.records.filter((r) => r.intendedMs >= from && r.intendedMs < to).map((r) => r.provider));
    expect(servedBy(1000, 1700)).toEqual(new Set(['backup']));
    expect(servedBy(2700, 3200)).toEqual(new Set(['backup']));
    expect(servedBy(0, 700)).toEqual(new Set(['stage']));
    expect(
      outcome.windows.map((w) => [w.provider, w.type, w.appliedMs !== undefined && w.removedMs !== undefined]),
    ).toEqual([
      ['stage', 'down', true],
      ['stage', 'http_status', true],
    ]);

    // Rolled back and removed: no proxy of the run left on the remote plane, no fault on the mock.
    const proxies = (await (await fetch(`${faultPlane.url}/proxies`)).json()) as Record<string, unknown>;
    expect(Object.keys(proxies)).toEqual([]);
    const faults = (await (await fetch(`${stage.url}/_mock/faults`)).json()) as { faults: unknown[] };
    expect(faults.faults).toEqual([]);
  }, 60_000);
});
