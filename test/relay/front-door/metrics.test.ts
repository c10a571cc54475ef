import { describe, expect, it } from 'vitest';
import { createRelayMetrics } from '../../../src/relay/front-door/metrics.js';

describe('relay metrics', () => {
  it('exposes every relay series in Prometheus text', async () => {
    const metrics = createRelayMetrics();
    metrics.requests.inc({ model: 'gpt-4.1', status: '200' });
    metrics.attempts.inc({ target: 'openai/gpt-4.1', outcome: 'status_5xx' });
    metrics.failovers.inc();
    metrics.breakerTransitions.inc({ target: 'openai/gpt-4.1', to: 'open' });
    metrics.costUsd.inc({ model: 'gpt-4.1' }, 0.0125);
    metrics.overhead.observe(0.0007);
    metrics.inFlight.inc(3);
    metrics.cache.inc({ result: 'hit' });
    metrics.refused.inc({ reason: 'overload' });
    const text = await metrics.text();
    expect(text).toContain('relay_requests_total{model="gpt-4.1",status="200"} 1');
    expect(text).toContain('relay_attempts_total{target="openai/gpt-4.1",outcome="status_5xx"} 1');
    expect(text).toContain('relay_failovers_total 1');
    expect(text).toContain('relay_breaker_transitions_total{target="openai/gpt-4.1",to="open"} 1');
    expect(text).toContain('relay_cost_usd_total{model="gpt-4.1"} 0.0125');
    expect(text).toContain('relay_overhead_seconds_bucket{le="0.001"} 1');
    expect(text).toContain('relay_overhead_seconds_count 1');
    expect(text).toContain('relay_in_flight 3');
    expect(text).toContain('relay_cache_total{result="hit"} 1');
    expect(text).toContain('relay_refused_total{reason="overload"} 1');
    expect(metrics.contentType).toMatch(/^text\/plain/);
  });

  it('gives each relay its own registry (two in one process do not collide)', async () => {
    const a = createRelayMetrics();
    const b = createRelayMetrics();
    a.failovers.inc(5);
    expect(await b.text()).toContain('relay_failovers_total 0');
    expect(await a.text()).not.toContain('process_cpu');
  });

  it('adds process metrics on request', async () => {
    expect(await createRelayMetrics({ collectDefaults: true }).text()).toContain('process_cpu_user_seconds_total');
  });
});
