/**
 * A target that answered "no such model" is demoted for `policies.cooldown.modelNotFoundMs`: the
 * next requests go to the chain's next target first (one attempt, no refused round trip), its
 * breaker is untouched, and a chain with nowhere else to go still asks it (the client gets its
 * 404, not a 503). Real mock providers and the relay in-process.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startMockProvider, type RunningMockProvider } from '../../../src/mock/provider.js';
import { chatBody, closeAll, onCleanup, sleep, startTestRelay } from './support.js';
import { baseUrlOf } from './support-mock.js';

afterEach(closeAll);

async function mock(name: string, fault?: 'model_not_found'): Promise<RunningMockProvider> {
  const provider = await startMockProvider({ name, latencyMs: 0 });
  onCleanup(() => provider.close());
  if (fault !== undefined) provider.control.faults.add({ effect: { kind: fault }, rate: 1, forMs: undefined });
  return provider;
}

async function relayOver(retired: RunningMockProvider, next: RunningMockProvider, modelNotFoundMs?: number) {
  return startTestRelay({
    providers: [
      { name: 'retired', dialect: 'openai', baseUrl: baseUrlOf(retired) },
      { name: 'next', dialect: 'openai', baseUrl: baseUrlOf(next) },
    ],
    models: {
      both: {
        chain: [
          { provider: 'retired', model: 'old' },
          { provider: 'next', model: 'new' },
        ],
      },
      alone: { chain: [{ provider: 'retired', model: 'old' }] },
    },
    policies: {
      breaker: { consecutiveFailures: 1 },
      ...(modelNotFoundMs === undefined ? {} : { cooldown: { modelNotFoundMs } }),
    },
  });
}

describe('a target without the model is tried last for a while', () => {
  it('sends the next requests to the next target first, breaker untouched, 404 when alone', async () => {
    const [retired, next] = await Promise.all([mock('retired', 'model_not_found'), mock('next')]);
    const relay = await relayOver(retired, next);
    const first = await relay.chat(chatBody('both'));
    expect(first.status).toBe(200);
    expect(first.header('x-relay-attempts')).toBe('2');
    for (let i = 0; i < 3; i++) {
      const again = await relay.chat(chatBody('both'));
      expect(again.header('x-relay-provider')).toBe('next');
      expect(again.header('x-relay-attempts')).toBe('1'); // no refused round trip first
    }
    expect(retired.control.log.entries()).toHaveLength(1);
    // Nowhere else to go: still asked, and its 404 reaches the client.
    const alone = await relay.chat(chatBody('alone'));
    expect(alone.status).toBe(404);
    expect(retired.control.log.entries()).toHaveLength(2);
    // The breaker (open after one failure) never counted the refusals.
    expect((await relay.get('/metrics')).text).not.toMatch(/relay_breaker_transitions_total\{target="retired\/old"/);
  });

  it('asks it first again once the period is over, and never demotes it with 0', async () => {
    const [retired, next] = await Promise.all([mock('retired', 'model_not_found'), mock('next')]);
    // Generous against a loaded machine: the second request must come within the period, the third after it.
    const short = await relayOver(retired, next, 2_000);
    await short.chat(chatBody('both'));
    expect((await short.chat(chatBody('both'))).header('x-relay-attempts')).toBe('1');
    await sleep(2_300);
    expect((await short.chat(chatBody('both'))).header('x-relay-attempts')).toBe('2');

    const never = await relayOver(retired, next, 0);
    await never.chat(chatBody('both'));
    expect((await never.chat(chatBody('both'))).header('x-relay-attempts')).toBe('2');
  });
});
