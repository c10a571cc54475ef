/**
 * The relay knobs a scenario sets, end to end on real sockets (mock processes, fault plane, our
 * relay as a child process): a key pool the harness makes survives one revoked key on a
 * single-provider chain, and `stream_idle_timeout` ends a stalled stream with an error event
 * well before the client's deadline.
 */
import { describe, expect, it } from 'vitest';
import { playScenario } from '../../../src/scenario/run/play.js';
import { parseScenario } from '../../../src/scenario/schema/loader.js';

describe('relay knobs through the harness', () => {
  it('keys: 2 with key 1 revoked on the only provider: every request served, by key 2', async () => {
    const scenario = parseScenario(
      `providers:
  - { name: primary, keys: 2, latency: 5ms }
target: { chain: [primary] }
load: { rate: 10/s, duration: 4s, timeout: 5s, model: gpt-4.1-mini }
faults:
  - { type: auth_error, provider: primary, key: 1, at: 1s, for: 2s }
`,
      'pool.yaml',
    );
    const outcome = await playScenario(scenario);
    expect(outcome.records.filter((r) => r.outcome !== 'ok').map((r) => r.failure)).toEqual([]);
    // The request that met the revoked key was answered 401 and moved to key 2 (2 attempts in
    // the mock's log); the pool then kept key 1 out, so that happens at most a few times.
    const retried = outcome.records.filter((r) => (r.attemptsByProvider?.['primary'] ?? 0) > 1);
    expect(retried.length).toBeGreaterThanOrEqual(1);
    expect(retried.length).toBeLessThanOrEqual(3);
  }, 60_000);

  it('without the pool in the relay the mock refuses: a direct client with key 1 gets 401 in the window', async () => {
    const scenario = parseScenario(
      `providers:
  - { name: primary, keys: 2, latency: 5ms }
target: { kind: direct }
load: { rate: 10/s, duration: 3s, timeout: 5s, model: gpt-4.1-mini }
faults:
  - { type: auth_error, provider: primary, key: 1, at: 1s, for: 1s }
`,
      'direct.yaml',
    );
    const outcome = await playScenario(scenario);
    const failures = outcome.records.filter((r) => r.outcome !== 'ok');
    expect(failures.length).toBeGreaterThan(3);
    expect(new Set(failures.map((r) => r.failure))).toEqual(new Set(['status_401']));
    // Outside the window key 1 is served: the mock accepts the harness's key.
    expect(outcome.records.filter((r) => r.outcome === 'ok').length).toBeGreaterThan(10);
  }, 60_000);

  it('stream_idle_timeout: 1s ends a stream stalled for 20 s with an error event within a few seconds', async () => {
    const scenario = parseScenario(
      `providers:
  - { name: primary, latency: 5ms }
target: { chain: [primary], stream_idle_timeout: 1s }
load: { rate: 2/s, duration: 3s, timeout: 15s, model: gpt-4.1-mini, mix: { stream_ratio: 1 } }
faults:
  - { type: stream_stall, provider: primary, after_chunks: 2, duration: 20s, at: 1s, for: 1s }
`,
      'idle.yaml',
    );
    const outcome = await playScenario(scenario);
    const stalled = outcome.records.filter((r) => r.outcome !== 'ok');
    expect(stalled.length).toBeGreaterThanOrEqual(1);
    for (const r of stalled) {
      expect(r.failure).toBe('stream_error');
      // 1 s of silence plus the time to first chunk; generous for a loaded machine, far under 15 s.
      expect(r.endMs - r.intendedMs).toBeLessThan(6000);
    }
  }, 60_000);
});
