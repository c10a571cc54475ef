/**
 * Issue 12, item 8: hedging must not blind the breaker. With hedging on, a primary that is
 * black-holed (it accepts the request and never answers) loses every hedge race; a loser that ran
 * `hedge.slowLoserFactor` (default 2) times its usual latency counts as a failure, so the breaker
 * opens DURING the fault and later requests stop paying the hedge delay, instead of the breaker
 * opening only once the fault is over.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { chatBody, closeAll, delayed, openaiJson, stall, startTestRelay, startUpstream } from './support.js';

afterEach(closeAll);

const HEDGE_DELAY_MS = 150;
const THRESHOLD = 3;

async function hedgedPair(slowLoserFactor?: number) {
  const [primary, fallback] = await Promise.all([
    startUpstream(delayed(5, openaiJson('from primary'))),
    startUpstream(openaiJson('from fallback')),
  ]);
  const relay = await startTestRelay({
    providers: [
      { name: 'primary', dialect: 'openai', baseUrl: `${primary.origin}/v1` },
      { name: 'fallback', dialect: 'openai', baseUrl: `${fallback.origin}/v1` },
    ],
    models: {
      gpt: {
        chain: [
          { provider: 'primary', model: 'm' },
          { provider: 'fallback', model: 'm' },
        ],
      },
    },
    policies: {
      hedge: {
        enabled: true,
        delayMs: HEDGE_DELAY_MS,
        budgetRatio: 1,
        ...(slowLoserFactor ? { slowLoserFactor } : {}),
      },
      breaker: { consecutiveFailures: THRESHOLD, openMs: 60_000 },
    },
  });
  return { primary, relay };
}

describe('hedging and the breaker', () => {
  it('opens the breaker of a black-holed primary during the fault', async () => {
    const { primary, relay } = await hedgedPair();
    // Healthy: the primary answers in a few ms, which becomes its usual latency.
    for (let i = 0; i < 5; i++) expect((await relay.chat(chatBody('gpt'))).header('x-relay-provider')).toBe('primary');

    primary.behave(stall); // the black hole starts, and is never lifted in this test
    const during: Array<{ provider: string | undefined; ms: number }> = [];
    for (let i = 0; i < THRESHOLD + 4; i++) {
      const reply = await relay.chat(chatBody('gpt'));
      expect(reply.status).toBe(200);
      during.push({ provider: reply.header('x-relay-provider'), ms: reply.ms });
    }
    expect(during.every((reply) => reply.provider === 'fallback')).toBe(true);

    const events = (await relay.get('/relay/events')).json().data as Array<Record<string, unknown>>;
    expect(events).toContainEqual(expect.objectContaining({ type: 'breaker', target: 'primary/m', to: 'open' }));
    // THRESHOLD hedge losses opened it; the requests after that went straight to the fallback.
    expect(primary.count).toBe(5 + THRESHOLD);
    for (const reply of during.slice(0, THRESHOLD)) expect(reply.ms).toBeGreaterThanOrEqual(HEDGE_DELAY_MS * 0.9);
    for (const reply of during.slice(THRESHOLD)) expect(reply.ms).toBeLessThan(HEDGE_DELAY_MS);
  });

  it('with a slowLoserFactor no loss reaches, the breaker stays blind (the control)', async () => {
    const { primary, relay } = await hedgedPair(1_000);
    for (let i = 0; i < 5; i++) await relay.chat(chatBody('gpt'));
    primary.behave(stall);
    for (let i = 0; i < THRESHOLD + 2; i++) expect((await relay.chat(chatBody('gpt'))).status).toBe(200);
    const events = (await relay.get('/relay/events')).json().data as Array<Record<string, unknown>>;
    expect(events.filter((event) => event['type'] === 'breaker')).toEqual([]);
    expect(primary.count).toBe(5 + THRESHOLD + 2); // every request still went to the primary first
  });
});
