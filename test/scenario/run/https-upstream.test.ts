/**
 * A provider as a real API is reached: an HTTPS upstream (a `relaybench mock --tls-*` stand-in
 * with a certificate for `localhost` from a CA made in the test) behind the fault plane's TCP
 * proxy. The TLS passes through the proxy untouched: our relay and the harness's own client open
 * their sockets to the proxy while verifying the certificate for the provider's own host name, so
 * a TCP fault on the proxy hits them and verification stays on. Without the CA the same run cannot
 * reach the stand-in at all: verification is never switched off. The API key comes from the
 * environment and is written nowhere.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../../src/metrics/record.js';
import { startService, type RunningService } from '../../../src/scenario/fixture/services.js';
import { playScenario, type RunOutcome } from '../../../src/scenario/run/play.js';
import { parseScenario } from '../../../src/scenario/schema/loader.js';
import { relaybench } from '../../support/cli.js';
import { makeTestTls, type TestTls } from '../../support/tls.js';

const KEY_VAR = 'RB_TEST_STANDIN_KEY';
const SECRET = 'sk-test-never-written-3f9a1c';
let tls: TestTls;
let standIn: RunningService;

beforeAll(async () => {
  tls = await makeTestTls();
  process.env[KEY_VAR] = SECRET;
  const args = ['mock', '--name', 'primary', '--port', '0', '--latency-ms', '5'];
  standIn = await startService('stand-in', [...args, '--tls-cert', tls.certFile, '--tls-key', tls.keyFile]);
}, 30_000);

afterAll(async () => {
  await standIn?.stop();
  await tls?.cleanup();
  delete process.env[KEY_VAR];
});

function scenarioText(target: string, caLine: string): string {
  const port = new URL(standIn.url).port;
  return `providers:
  - name: primary
    kind: upstream
    url: https://localhost:${port}/v1
    api_key_env: ${KEY_VAR}
${caLine}  - { name: backup, latency: 5ms }
target: ${target}
load: { rate: 20/s, duration: 4s, timeout: 5s }
faults:
  - { type: down, provider: primary, at: 1s, for: 1s }
`;
}

const withCa = (): string => `    ca_file: ${tls.caFile}\n`;

function inWindow(outcome: RunOutcome, from: number, to: number): RequestRecord[] {
  return outcome.records.filter((r) => r.intendedMs >= from && r.intendedMs < to);
}

describe('an HTTPS upstream behind the fault plane, verification on', () => {
  it('our relay fails over during a TCP fault on the proxy and comes back to the upstream', async () => {
    const scenario = parseScenario(
      scenarioText('{ kind: builtin, policies: { breaker: { openMs: 200, rampMs: 0 } } }', withCa()),
      'up.yaml',
    );
    const outcome = await playScenario(scenario);
    expect(outcome.cleanupErrors).toEqual([]);
    expect(outcome.records.filter((r) => r.outcome !== 'ok')).toEqual([]);
    expect(new Set(inWindow(outcome, 0, 900).map((r) => r.provider))).toEqual(new Set(['primary']));
    expect(new Set(inWindow(outcome, 1200, 1900).map((r) => r.provider))).toEqual(new Set(['backup']));
    expect(inWindow(outcome, 2500, 4000).some((r) => r.provider === 'primary')).toBe(true);
  }, 60_000);

  it('a direct target calls the upstream at its own URL through the proxy, and fails only during the fault', async () => {
    const scenario = parseScenario(scenarioText('{ kind: direct, chain: [primary] }', withCa()), 'direct.yaml');
    const outcome = await playScenario(scenario);
    expect(outcome.cleanupErrors).toEqual([]);
    const before = inWindow(outcome, 0, 900);
    const during = inWindow(outcome, 1100, 1900);
    const after = inWindow(outcome, 2200, 4000);
    expect(before.length).toBeGreaterThan(10);
    expect(before.every((r) => r.outcome === 'ok' && r.provider === 'primary')).toBe(true);
    expect(during.length).toBeGreaterThan(10);
    expect(during.every((r) => r.outcome === 'failed' && r.provider === undefined)).toBe(true);
    expect(after.every((r) => r.outcome === 'ok')).toBe(true);
  }, 60_000);

  it('without the CA nothing reaches the stand-in: the relay uses its fallback, direct fails every request', async () => {
    const relayed = await playScenario(parseScenario(scenarioText('{ kind: builtin }', ''), 'noca.yaml'));
    expect(relayed.records.every((r) => r.outcome === 'ok' && r.provider === 'backup')).toBe(true);
    const direct = await playScenario(
      parseScenario(scenarioText('{ kind: direct, chain: [primary] }', ''), 'noca.yaml'),
    );
    expect(direct.records.length).toBeGreaterThan(0);
    expect(direct.records.every((r) => r.outcome === 'failed')).toBe(true);
  }, 60_000);

  it('never writes the API key: not in result.json, the reports or what the CLI prints', async () => {
    const text = scenarioText('{ kind: builtin }', withCa()).replace(/faults:[\s\S]*$/, '');
    const file = join(tls.dir, 'secret.yaml');
    await writeFile(file, text.replace('duration: 4s', 'duration: 1s'));
    const out = join(tls.dir, 'out');
    const run = await relaybench(['run', file, '--out', out], { env: { [KEY_VAR]: SECRET } });
    expect(run.code).toBe(0);
    expect(run.stdout + run.stderr).not.toContain(SECRET);
    const result = await readFile(join(out, 'result.json'), 'utf8');
    expect(JSON.parse(result).aggregates.ok).toBeGreaterThan(0);
    expect(result).toContain(KEY_VAR); // the variable's name is fine to keep, its value is not
    for (const name of await readdir(out, { recursive: true })) {
      const content = await readFile(join(out, name), 'utf8').catch(() => '');
      expect(content, name).not.toContain(SECRET);
    }
  }, 60_000);
});
