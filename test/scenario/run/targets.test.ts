/**
 * Targets end to end on real loopback servers and child processes: a direct target's latency
 * fidelity, an open-model stall that a closed loop would hide, an external gateway started from a
 * command (a stand-in that strips x-request-id) attributed through the mocks' logs, and the
 * accounting identity in every run.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../../src/metrics/record.js';
import { parseScenario } from '../../../src/scenario/schema/loader.js';
import { playScenario, type RunOutcome } from '../../../src/scenario/run/play.js';
import { isAlive } from '../../support/processes.js';

const FIXTURES = 'test/scenario/fixtures';
const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

function latencyMs(r: RequestRecord): number {
  return r.endMs - r.intendedMs;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** scheduled = ok + failed + dropped, one record per scheduled request, nothing left running. */
function expectAccounting(outcome: RunOutcome): void {
  const count = (o: RequestRecord['outcome']): number => outcome.records.filter((r) => r.outcome === o).length;
  expect(outcome.records).toHaveLength(outcome.scheduled);
  expect(count('ok') + count('failed') + count('dropped')).toBe(outcome.scheduled);
  expect(new Set(outcome.records.map((r) => r.seq)).size).toBe(outcome.scheduled);
  expect(outcome.processes.filter((p) => isAlive(p.pid))).toEqual([]);
  expect(outcome.cleanupErrors).toEqual([]);
}

describe('direct target', () => {
  it("measures a fixed 200 ms provider at p50 within 200-240 ms (never below the provider, little above it on a busy machine), attributed from the mock's answer header", async () => {
    const scenario = parseScenario(
      'providers: [{ name: only, latency: 200ms }]\ntarget: { kind: direct }\nload: { rate: 20/s, duration: 3s, timeout: 5s }\n',
      'direct.yaml',
    );
    const outcome = await playScenario(scenario);
    expectAccounting(outcome);
    expect(outcome.scheduled).toBe(60);
    expect(outcome.records.every((r) => r.outcome === 'ok')).toBe(true);
    const p50 = median(outcome.records.map(latencyMs));
    expect(p50).toBeGreaterThanOrEqual(199);
    expect(p50).toBeLessThanOrEqual(240);
    // No relay, so no x-relay-provider: the mock's own x-mock-provider names it; attempts come from its log.
    expect(outcome.attributedFromLogs).toBe(0);
    expect(outcome.records.every((r) => r.provider === 'only' && r.attempts === 1)).toBe(true);
    expect(outcome.processes.map((p) => p.name).sort()).toEqual(['fault plane', 'mock only']);
  });

  it('shows a 2 s stall at 100 req/s in ~200 requests with latency >= 1 s (open model, no coordinated omission)', async () => {
    const scenario = parseScenario(
      `providers: [{ name: only, latency: 5ms }]
target: { kind: direct }
load: { rate: 100/s, duration: 4s, timeout: 5s }
faults:
  - { type: stall, provider: only, delay: 2s, at: 1s, for: 2s }
`,
      'stall.yaml',
    );
    const outcome = await playScenario(scenario);
    expectAccounting(outcome);
    expect(outcome.scheduled).toBe(400);
    const slow = outcome.records.filter((r) => latencyMs(r) >= 1000);
    expect(slow.length).toBeGreaterThanOrEqual(180);
    expect(slow.length).toBeLessThanOrEqual(220);
    expect(outcome.records.every((r) => r.outcome === 'ok')).toBe(true);
  });

  it('rejects a direct target whose first provider does not speak OpenAI', () => {
    expect(() =>
      parseScenario(
        'providers: [{ name: claude, dialect: anthropic }]\ntarget: { kind: direct }\nload: { rate: 1/s, duration: 1s }\n',
        'd.yaml',
      ),
    ).toThrow(
      /d\.yaml:2:\d+: field 'target.kind': a direct target calls 'claude' with OpenAI requests, but its dialect is anthropic/,
    );
  });
});

describe('external target', () => {
  it('starts a gateway from a command with a filled config template, and attributes by the marker', async () => {
    const runDir = await mkdtemp(join(tmpdir(), 'relaybench-external-'));
    dirs.push(runDir);
    const scenario = parseScenario(
      `providers:
  - { name: primary, latency: 5ms }
  - { name: secondary, latency: 5ms }
target:
  kind: external
  chain: [primary, secondary]
  command: [node, stand-in-relay.mjs, '{{config}}']
  config_template: stand-in-relay.json.tmpl
  ready_url: 'http://127.0.0.1:{{port}}/health'
  ready_timeout: 10s
load: { rate: 20/s, duration: 2s, timeout: 5s }
`,
      `${FIXTURES}/external.yaml`,
    );
    const outcome = await playScenario(scenario, { runDir });
    expectAccounting(outcome);
    expect(outcome.processes.map((p) => p.name)).toContain('target');
    expect(outcome.targetUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(outcome.records.every((r) => r.outcome === 'ok')).toBe(true);
    // The stand-in strips x-request-id and sends no x-relay-provider: only the marker can attribute.
    expect(outcome.attributedFromLogs).toBe(40);
    expect(outcome.records.every((r) => r.provider === 'primary')).toBe(true);
    const config = JSON.parse(await readFile(join(runDir, 'stand-in-relay.json'), 'utf8')) as {
      port: number;
      upstream: string;
    };
    expect(config.upstream).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(outcome.targetUrl).toBe(`http://127.0.0.1:${config.port}`);
  });

  it('rejects unknown placeholders and a missing template at load time', () => {
    const base = 'providers: [{ name: primary }]\nload: { rate: 1/s, duration: 1s }\ntarget:\n  kind: external\n';
    expect(() => parseScenario(`${base}  command: 'gw --port {{prot}}'\n`, `${FIXTURES}/e.yaml`)).toThrow(
      /e\.yaml:5:12: field 'target.command': unknown placeholder \{\{prot\}\}/,
    );
    expect(() => parseScenario(`${base}  command: gw\n  config_template: nope.tmpl\n`, `${FIXTURES}/e.yaml`)).toThrow(
      /field 'target.config_template': cannot read .*nope\.tmpl/,
    );
    expect(() => parseScenario(base, `${FIXTURES}/e.yaml`)).toThrow(/an external target needs 'url'/);
  });

  it.each<[string, string, RegExp]>([
    [
      'a bad name',
      `headers: { 'x a': v }`,
      /e\.yaml:6:21: field 'target\.headers\.x a': "x a" is not an HTTP header name/,
    ],
    [
      'a header the harness sets',
      `headers: { X-Request-Id: rb }`,
      /e\.yaml:6:28: field 'target\.headers\.X-Request-Id': 'X-Request-Id' is set by the harness/,
    ],
    [
      'a line break in a value',
      `headers: { x-config: "a\\nb" }`,
      /field 'target\.headers\.x-config': 'x-config': got "a\\nb", a value with a line break/,
    ],
    ['a number', `headers: { x-retries: 3 }`, /field 'target\.headers\.x-retries': .*expected string.*got 3/],
    [
      'a name given twice',
      `headers: { X-A: '1', x-a: '2' }`,
      /field 'target\.headers\.x-a': 'x-a' and 'X-A' are the same header/,
    ],
    [
      'an unknown placeholder',
      `headers: { x-config: '{{chain.5.url}}' }`,
      /field 'target\.headers\.x-config': unknown placeholder \{\{chain\.5\.url\}\}/,
    ],
  ])('rejects headers with %s, naming the field and the value', (_case, line, message) => {
    const text = `providers: [{ name: primary }, { name: fallback }]\nload: { rate: 1/s, duration: 1s }\ntarget:\n  kind: external\n  url: http://127.0.0.1:9\n  ${line}\n`;
    expect(() => parseScenario(text, `${FIXTURES}/e.yaml`)).toThrow(message);
  });

  it('takes headers on external targets only, and no Authorization next to mix.keys', () => {
    const providers = 'providers: [{ name: primary }]\n';
    expect(() =>
      parseScenario(`${providers}load: { rate: 1/s, duration: 1s }\ntarget: { headers: { x-a: b } }\n`, 'h.yaml'),
    ).toThrow(/h\.yaml:3:\d+: field 'target\.headers': not an attribute of target kind 'builtin' \(only of external\)/);
    const external =
      "target: { kind: external, url: 'http://127.0.0.1:9', headers: { Authorization: 'Bearer sk-gw' } }\n";
    expect(
      parseScenario(`${providers}load: { rate: 1/s, duration: 1s }\n${external}`, 'h.yaml').target.headers,
    ).toEqual({ Authorization: 'Bearer sk-gw' });
    expect(() =>
      parseScenario(
        `${providers}load: { rate: 1/s, duration: 1s, mix: { keys: [{ name: a, token: t }] } }\n${external}`,
        'h.yaml',
      ),
    ).toThrow(
      /field 'target\.headers': load option headers\.Authorization: got "<redacted>", expected no Authorization header when mix\.keys/,
    );
  });
});
