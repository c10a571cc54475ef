/**
 * Acceptance 5: under a full outage (every upstream answers 503), the retry budget caps the
 * attempts the upstreams see: N client requests cost at most N x (1 + ratio) + minPerSecond x
 * window attempts per upstream, however many retry rounds `retry.maxAttempts` would allow.
 *
 * The budget covers retry rounds; failing over to the next target within a round is immediate and
 * not budgeted (routing/round.ts), so a chain of k targets may cost k times that in total.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { chatBody, closeAll, openaiError, startTestRelay, startUpstream, status, type Upstream } from './support.js';

afterEach(closeAll);

const N = 20;
const RATIO = 0.2;
const MIN_PER_SECOND = 1;
const WINDOW_MS = 5_000;
const MAX_ROUNDS = 3;
/** N x (1 + ratio) + minPerSecond x window seconds. */
const CAP = N * (1 + RATIO) + (MIN_PER_SECOND * WINDOW_MS) / 1_000;

const POLICIES = {
  breaker: { enabled: false }, // keep the breaker out of it: every round reaches the upstreams
  retry: { maxAttempts: MAX_ROUNDS, baseMs: 1, maxBackoffMs: 5 },
  retryBudget: { ratio: RATIO, minPerSecond: MIN_PER_SECOND, windowMs: WINDOW_MS },
};

async function outage(upstreams: readonly Upstream[], sameTarget?: number) {
  const relay = await startTestRelay({
    providers: upstreams.map((upstream, i) => ({
      name: `down${i}`,
      dialect: 'openai',
      baseUrl: `${upstream.origin}/v1`,
    })),
    models: { gpt: { chain: upstreams.map((_, i) => ({ provider: `down${i}`, model: 'm' })) } },
    policies: sameTarget === undefined ? POLICIES : { ...POLICIES, retry: { ...POLICIES.retry, sameTarget } },
  });
  // All at once, as an outage under load looks.
  const replies = await Promise.all(Array.from({ length: N }, () => relay.chat(chatBody('gpt'))));
  expect(replies.map((reply) => reply.status)).toEqual(Array(N).fill(503));
  for (const reply of replies) expect(reply.json().error.code).toBe('all_targets_failed');
  return replies;
}

describe('retry budget under a full outage', () => {
  it(`N requests cost at most N x (1 + ratio) + min attempts (${CAP}), not N x maxAttempts (${N * MAX_ROUNDS})`, async () => {
    const upstream = await startUpstream(status(503, openaiError('down')));
    await outage([upstream]);
    expect(upstream.count).toBeLessThanOrEqual(CAP);
    expect(upstream.count).toBeGreaterThan(N); // retries did happen: the budget granted some
  });

  it('caps retry rounds per upstream on a two-target chain too (failovers are immediate, not budgeted)', async () => {
    const upstreams = await Promise.all([
      startUpstream(status(503, openaiError('down'))),
      startUpstream(status(503, openaiError('down'))),
    ]);
    // Rounds only (the single-upstream test above shows same-target retries are budgeted too): those
    // would spend the shared budget on the last upstream, and this test compares both upstreams.
    const replies = await outage(upstreams, 0);
    for (const upstream of upstreams) {
      expect(upstream.count).toBeLessThanOrEqual(CAP);
      expect(upstream.count).toBeGreaterThan(N);
    }
    // Every round tries both targets, so both saw the same number of attempts.
    expect(upstreams[0]!.count).toBe(upstreams[1]!.count);
    const attempts = replies.reduce((sum, reply) => sum + Number(reply.header('x-relay-attempts')), 0);
    expect(attempts).toBe(upstreams[0]!.count + upstreams[1]!.count);
  });
});
