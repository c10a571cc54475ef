/**
 * Acceptance 11: the bulkhead. With `server.maxInFlight: 2` and a slow upstream, 10 concurrent
 * requests: two are served, the other eight get 503 + Retry-After at once, long before the slow
 * upstream answers; the slots come back when the two finish.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { chatBody, closeAll, delayed, openaiJson, startTestRelay, startUpstream } from './support.js';

afterEach(closeAll);

const SLOW_MS = 1_000;

describe('overload', () => {
  it('refuses requests beyond maxInFlight with 503 + Retry-After, quickly', async () => {
    const upstream = await startUpstream(delayed(SLOW_MS, openaiJson('slow answer')));
    const relay = await startTestRelay({
      server: { maxInFlight: 2, overloadRetryAfterS: 2 },
      providers: [{ name: 'slow', dialect: 'openai', baseUrl: `${upstream.origin}/v1` }],
      models: { gpt: { chain: [{ provider: 'slow', model: 'm' }] } },
    });

    const pending = Array.from({ length: 10 }, () => relay.chat(chatBody('gpt')));
    // While the two admitted requests wait on the upstream, the relay's own routes still answer.
    const health = await relay.get('/health');
    expect(health.status).toBe(200);
    expect(health.ms).toBeLessThan(SLOW_MS / 2);
    const replies = await Promise.all(pending);

    const served = replies.filter((reply) => reply.status === 200);
    const refused = replies.filter((reply) => reply.status === 503);
    expect([served.length, refused.length]).toEqual([2, 8]);
    for (const reply of served) expect(reply.ms).toBeGreaterThanOrEqual(SLOW_MS * 0.95);
    for (const reply of refused) {
      expect(reply.ms).toBeLessThan(SLOW_MS / 2);
      expect(reply.header('retry-after')).toBe('2');
      expect(reply.json().error).toMatchObject({ type: 'relay_overloaded', code: 'overloaded' });
    }
    expect(upstream.count).toBe(2);

    // The slots were released: the next request is admitted.
    expect((await relay.chat(chatBody('gpt'))).status).toBe(200);
    expect(upstream.count).toBe(3);
    const metrics = (await relay.get('/metrics')).text;
    expect(metrics).toContain('relay_refused_total{reason="overload"} 8');
    expect(metrics).toMatch(/^relay_in_flight 0$/m);
  });
});
