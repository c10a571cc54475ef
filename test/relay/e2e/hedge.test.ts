/**
 * Acceptance 7: hedged requests. A primary that answers after 1 s and a fast secondary, hedge
 * delay 50 ms: the p99 latency is far below the primary's, and every primary call is cancelled
 * (its socket closes before it answered) once the hedge wins.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { chatBody, closeAll, delayed, openaiJson, quantile, startTestRelay, startUpstream } from './support.js';

afterEach(closeAll);

const PRIMARY_MS = 1_000;
const HEDGE_DELAY_MS = 50;
const REQUESTS = 20;

async function hedgedRelay(enabled: boolean) {
  const [primary, secondary] = await Promise.all([
    startUpstream(delayed(PRIMARY_MS, openaiJson('from primary'))),
    startUpstream(openaiJson('from secondary')),
  ]);
  const relay = await startTestRelay({
    providers: [
      { name: 'slow', dialect: 'openai', baseUrl: `${primary.origin}/v1` },
      { name: 'fast', dialect: 'openai', baseUrl: `${secondary.origin}/v1` },
    ],
    models: {
      gpt: {
        chain: [
          { provider: 'slow', model: 'm' },
          { provider: 'fast', model: 'm' },
        ],
      },
    },
    // budgetRatio 1: a hedge for every request (the default 5% would stop after a handful).
    policies: { hedge: { enabled, delayMs: HEDGE_DELAY_MS, budgetRatio: 1 } },
  });
  return { primary, secondary, relay };
}

describe('hedging', () => {
  it('keeps p99 well below a slow primary and cancels the primary call the hedge beat', async () => {
    const { primary, secondary, relay } = await hedgedRelay(true);

    const latencies: number[] = [];
    const sentAt: number[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      sentAt.push(performance.now());
      const reply = await relay.chat(chatBody('gpt'));
      expect(reply.status).toBe(200);
      expect(reply.header('x-relay-provider')).toBe('fast');
      expect(reply.header('x-relay-attempts')).toBe('2');
      latencies.push(reply.ms);
    }
    // Generous for a loaded 2-core machine; unhedged, every request would take PRIMARY_MS.
    expect(quantile(latencies, 0.99)).toBeLessThan(PRIMARY_MS / 2);
    expect(quantile(latencies, 0.5)).toBeLessThan(HEDGE_DELAY_MS + 150);
    expect(Math.min(...latencies)).toBeGreaterThanOrEqual(HEDGE_DELAY_MS * 0.9); // the hedge waited its delay
    expect([primary.count, secondary.count]).toEqual([REQUESTS, REQUESTS]);
    await primary.untilClosedEarly(REQUESTS);
    expect(primary.closedEarly).toBe(REQUESTS);
    // Each hedge waited its delay, and started long before the primary would have answered.
    for (let i = 0; i < REQUESTS; i++) {
      expect(secondary.requests[i]!.receivedAt - sentAt[i]!).toBeGreaterThanOrEqual(HEDGE_DELAY_MS * 0.9);
      expect(secondary.requests[i]!.receivedAt - primary.requests[i]!.receivedAt).toBeLessThan(PRIMARY_MS / 2);
    }
  });

  it('without hedging the same chain waits for the slow primary (the control)', async () => {
    const { primary, secondary, relay } = await hedgedRelay(false);

    const reply = await relay.chat(chatBody('gpt'));
    expect(reply.header('x-relay-provider')).toBe('slow');
    expect(reply.ms).toBeGreaterThanOrEqual(PRIMARY_MS * 0.95);
    expect([primary.count, secondary.count, primary.closedEarly]).toEqual([1, 0, 0]);
  });

  // The hedge's losers were sent, so they count: as `cancelled`, the load they put on the slow target stays visible.
  it('counts the primary calls the hedge cancelled in relay_attempts_total', async () => {
    const { primary, relay } = await hedgedRelay(true);
    for (let i = 0; i < 3; i++) expect((await relay.chat(chatBody('gpt'))).header('x-relay-attempts')).toBe('2');
    expect(primary.count).toBe(3);
    const metrics = (await relay.get('/metrics')).text;
    expect(metrics).toContain('relay_attempts_total{target="fast/m",outcome="ok"} 3');
    expect(metrics).toContain('relay_attempts_total{target="slow/m",outcome="cancelled"} 3');
  });
});
