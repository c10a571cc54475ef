/**
 * Another open-source gateway as an external target, end to end: Portkey's gateway (the pinned
 * devDependency) started from the exact target block of scenarios/compare/gateways.yaml, routed
 * by its per-request `x-portkey-config` header through the fault-plane proxies to our mocks, with
 * the primary refusing connections for a while. Portkey strips x-request-id and says nothing
 * about who served, so every figure below comes from the mocks' logs (the prompt marker).
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { RequestRecord } from '../../../src/metrics/record.js';
import { parseScenario } from '../../../src/scenario/schema/loader.js';
import { playScenario } from '../../../src/scenario/run/play.js';
import { isAlive } from '../../support/processes.js';

const PUBLISHED = 'scenarios/compare/gateways.yaml';
const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/** The published scenario's Portkey target, unchanged (its command is relative to scenarios/compare/). */
function portkeyTarget(): unknown {
  const published = parse(readFileSync(PUBLISHED, 'utf8')) as { variants: Array<{ name: string; target: unknown }> };
  const variant = published.variants.find((v) => v.name === 'portkey gateway');
  if (variant === undefined) throw new Error(`${PUBLISHED} has no 'portkey gateway' variant`);
  return variant.target;
}

describe('Portkey gateway as an external target', () => {
  it('serves through the proxies, fails over to the fallback while the primary is down, and comes back', async () => {
    const runDir = await mkdtemp(join(tmpdir(), 'relaybench-portkey-'));
    dirs.push(runDir);
    const text = stringify({
      seed: 7,
      providers: [
        { name: 'primary', model: 'gpt-4.1-mini', latency: '10ms' },
        { name: 'fallback', model: 'deepseek-chat', latency: '10ms' },
      ],
      target: portkeyTarget(),
      // Half the requests stream, so a streamed failover through Portkey is exercised too.
      load: { rate: '40/s', duration: '6s', timeout: '5s', max_tokens: 8, mix: { stream_ratio: 0.5 } },
      faults: [{ provider: 'primary', type: 'down', at: '2s', for: '2s' }],
    });
    // A file name next to the published one, so the command's relative path resolves the same way.
    const scenario = parseScenario(text, 'scenarios/compare/portkey-under-test.yaml');
    const outcome = await playScenario(scenario, { runDir });

    expect(outcome.cleanupErrors).toEqual([]);
    expect(outcome.processes.map((p) => p.name)).toContain('target');
    expect(outcome.processes.filter((p) => isAlive(p.pid))).toEqual([]);
    expect(outcome.records).toHaveLength(outcome.scheduled);
    expect(outcome.scheduled).toBe(240);
    const failed = outcome.records.filter((r) => r.outcome !== 'ok');
    expect(failed.map((r) => `${r.seq}: ${r.failure}`)).toEqual([]);
    expect(outcome.records.filter((r) => r.stream).length).toBeGreaterThan(80);

    // Portkey sends no x-relay-provider; every serving provider came from the mock's x-mock-provider
    // answer header it passes through, or else from the mocks' logs.
    expect(outcome.records.every((r) => r.provider !== undefined)).toBe(true);
    const [window] = outcome.windows;
    expect(window?.appliedMs).toBeDefined();
    expect(window?.removedMs).toBeDefined();
    const { appliedMs, removedMs } = window as { appliedMs: number; removedMs: number };
    // Margins for requests in flight at either edge of the window.
    const before = outcome.records.filter((r) => r.endMs < appliedMs);
    const during = outcome.records.filter((r) => r.sentMs > appliedMs + 50 && r.endMs < removedMs);
    const after = outcome.records.filter((r) => r.sentMs > removedMs + 500);
    const servedBy = (records: RequestRecord[]): Record<string, number> =>
      records.reduce<Record<string, number>>(
        (acc, r) => ({ ...acc, [r.provider ?? 'unknown']: (acc[r.provider ?? 'unknown'] ?? 0) + 1 }),
        {},
      );
    expect(before.length).toBeGreaterThan(40);
    expect(servedBy(before)).toEqual({ primary: before.length });
    expect(during.length).toBeGreaterThan(40);
    expect(servedBy(during)).toEqual({ fallback: during.length });
    expect(during.some((r) => r.stream)).toBe(true);
    // A refused connection never reaches the primary's mock: the fallback saw each request once.
    expect(during.every((r) => r.attempts === 1)).toBe(true);
    // No breaker in Portkey's open-source gateway: the primary is tried again at once.
    expect(after.length).toBeGreaterThan(40);
    expect(servedBy(after)).toEqual({ primary: after.length });

    // The gateway really ran, from the package, and said so in its log.
    expect(await readFile(join(runDir, 'target.log'), 'utf8')).toMatch(/AI Gateway/);
  }, 90_000);
});
