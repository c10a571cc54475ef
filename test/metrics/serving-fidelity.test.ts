/**
 * Serving metrics against physics: a real mock provider on loopback streams at a known per-token
 * pace, called directly through its fault-plane proxy. ITL p50 must read back the pace (within 5%),
 * TPOT the same pace, and goodput the share of requests that a scheduled stall made miss the TTFT
 * objective.
 */
import { describe, expect, it } from 'vitest';
import { measureScenario } from '../../src/scenario/run/measure.js';
import { parseScenario } from '../../src/scenario/schema/loader.js';

const PACE_MS = 20;

describe('serving metrics on a paced mock', () => {
  it('reads ITL and TPOT back as the pace, token throughput from usage, goodput from the stalled window', async () => {
    const scenario = parseScenario(
      `providers: [{ name: a, ttft: 30ms, per_token: ${PACE_MS}ms }]
target: { kind: direct }
load: { rate: 10/s, duration: 3s, timeout: 5s, mix: { stream_ratio: 1, max_tokens: 16 } }
slo: { ttft: 300ms, itl: 200ms, latency: 4s }
faults:
  - { provider: a, type: stall, delay: 600ms, at: 1s, for: 1s }
`,
      'serving-fidelity.yaml',
    );
    const result = await measureScenario(scenario);
    const { aggregates: a } = result;
    expect(a.ok).toBe(30);
    const serving = a.serving!;
    // Every gap between two tokens is one pace; HDR keeps 3 digits.
    expect(serving.itl!.p50Us / 1000).toBeGreaterThan(PACE_MS * 0.95);
    expect(serving.itl!.p50Us / 1000).toBeLessThan(PACE_MS * 1.05);
    // 8..16 tokens per answer: 7..15 gaps each.
    expect(serving.itl!.count).toBeGreaterThanOrEqual(30 * 7);
    expect(serving.itl!.count).toBeLessThanOrEqual(30 * 15);
    expect(serving.tpot!.count).toBe(30);
    expect(serving.tpot!.p50Us / 1000).toBeGreaterThan(PACE_MS * 0.95);
    expect(serving.tpot!.p50Us / 1000).toBeLessThan(PACE_MS * 1.1);
    expect(serving.providers.a!.itl!.count).toBe(serving.itl!.count);
    // Tokens come from the streams' usage: the throughput is their sum over the 3 s load.
    expect(serving.outputTokens).toBeGreaterThanOrEqual(30 * 8);
    expect(serving.outputThroughput).toBeCloseTo(serving.outputTokens / 3, 6);
    expect(serving.totalThroughput).toBeGreaterThan(serving.outputThroughput);
    expect(serving.outputTokensPerSecond!.p50).toBeGreaterThan(1000 / (PACE_MS * 2));
    // The stall (600 ms before the first token) hits the requests due in 1s..2s: 10 of 30 miss TTFT.
    const goodput = serving.goodput!;
    expect(goodput.requests).toBe(30);
    expect(goodput.missed.ttft).toBeGreaterThanOrEqual(9);
    expect(goodput.missed.ttft).toBeLessThanOrEqual(11);
    expect(goodput.good).toBe(30 - goodput.missed.ttft);
    expect(goodput.share).toBeCloseTo(goodput.good / 30, 9);
    expect(goodput.missed.itl + goodput.missed.latency + goodput.missed.not_ok).toBe(0);
    // The stall was in the fault phase: its ITL is still the pace, its goodput is zero.
    expect(serving.phases.fault.goodput!.good).toBeLessThanOrEqual(1);
    // (the request due at the very onset may fall either side of the fault plane's confirmation)
    const baseline = serving.phases.baseline.goodput!;
    expect(baseline.good).toBeGreaterThanOrEqual(baseline.requests - 1);
    expect(baseline.requests).toBeGreaterThanOrEqual(9);
    // Per-phase rates divide by the phase's own time (baseline: the first ~1 s), not the whole load.
    expect(baseline.ratePerSecond).toBeGreaterThan(8);
    expect(baseline.ratePerSecond).toBeLessThan(11.5);
    // The generator's schedule lag reaches the aggregates (result.json) in full, not only as a flag.
    const lag = a.scheduleLag!;
    expect(lag.p50Ms).toBeGreaterThanOrEqual(0);
    expect(lag.p99Ms).toBeGreaterThanOrEqual(lag.p50Ms);
    expect(lag.maxMs).toBeGreaterThanOrEqual(lag.p99Ms * 0.99); // HDR: p99 reads its bucket's top
    expect(lag.histogram.length).toBeGreaterThan(0);
    expect(result.aggregates.scheduleLag?.warning).toBe(lag.p99Ms > lag.thresholdMs);
    expect(serving.phases.baseline.itl!.p50Us / 1000).toBeCloseTo(PACE_MS, -0.5);
  }, 90_000);
});
