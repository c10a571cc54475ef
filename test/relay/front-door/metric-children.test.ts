import { describe, expect, it } from 'vitest';
import { createRelayMetrics } from '../../../src/relay/front-door/metrics.js';

describe('cached metric children', () => {
  it('returns one child per label combination, created once', () => {
    const metrics = createRelayMetrics();
    expect(metrics.requestsBy('gpt', 200)).toBe(metrics.requestsBy('gpt', 200));
    expect(metrics.requestsBy('gpt', 200)).not.toBe(metrics.requestsBy('gpt', 404));
    expect(metrics.requestsBy('gpt', 200)).not.toBe(metrics.requestsBy('claude', 200));
    expect(metrics.refusedBy('auth')).toBe(metrics.refusedBy('auth'));
  });

  it('counts into the same series as direct increments, flushed when scraped', async () => {
    const metrics = createRelayMetrics();
    metrics.requestsBy('gpt', 200).inc();
    metrics.requestsBy('gpt', 200).inc();
    metrics.requests.inc({ model: 'gpt', status: 200 });
    metrics.attemptsBy('t', 'cancelled').inc(3);
    metrics.costBy('gpt').inc(0.0125);
    metrics.cacheBy('miss').inc();
    metrics.refusedBy('budget').inc();
    const text = await metrics.text();
    expect(text).toContain('relay_requests_total{model="gpt",status="200"} 3');
    expect(text).toContain('relay_attempts_total{target="t",outcome="cancelled"} 3');
    expect(text).toContain('relay_cost_usd_total{model="gpt"} 0.0125');
    expect(text).toContain('relay_cache_total{result="miss"} 1');
    expect(text).toContain('relay_refused_total{reason="budget"} 1');
    // Flushed once: a second scrape shows the same totals, and later counts add to them.
    metrics.requestsBy('gpt', 200).inc();
    expect(await metrics.text()).toContain('relay_requests_total{model="gpt",status="200"} 4');
    expect(await metrics.text()).toContain('relay_requests_total{model="gpt",status="200"} 4');
  });
});
