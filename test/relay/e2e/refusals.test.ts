/**
 * Issue 12, item 2: a target that cannot serve this request. Real mock providers of each dialect
 * (their `context_length`, `model_not_found`, `content_filter` faults) behind the real relay:
 *
 * - a prompt too long for the primary goes to the next target with a LARGER declared context
 *   window (one with the same window is skipped, never contacted), and the refusals do not count
 *   against the primary's breaker;
 * - a model missing on the primary goes to the next target;
 * - a content-policy refusal is not retried anywhere and its reason reaches the client as an
 *   OpenAI-shaped 400;
 * - when no target can serve, the client gets the refusal (400/404), not a 503.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { DialectName } from '../../../src/mock/dialect.js';
import { startMockProvider, type RunningMockProvider } from '../../../src/mock/provider.js';
import { chatBody, closeAll, onCleanup, startTestRelay } from './support.js';

afterEach(closeAll);

const DIALECTS: readonly DialectName[] = ['openai', 'anthropic', 'gemini'];
const VERSION: Record<DialectName, string> = { openai: '/v1', anthropic: '/v1', gemini: '/v1beta' };

async function mock(name: string, dialect: DialectName, fault?: string): Promise<RunningMockProvider> {
  const provider = await startMockProvider({ name, dialect, latencyMs: 5 });
  onCleanup(() => provider.close());
  if (fault !== undefined) provider.control.faults.add({ effect: { kind: fault } as never, rate: 1, forMs: undefined });
  return provider;
}

const requestsOf = (provider: RunningMockProvider): number => provider.control.log.stats()['requests'] as number;

function providerEntry(name: string, provider: RunningMockProvider) {
  return { name, dialect: provider.dialect, baseUrl: `${provider.url}${VERSION[provider.dialect]}` };
}

describe.each(DIALECTS)('a target that cannot serve the request (%s dialect upstream)', (dialect) => {
  it('context length: fails over past a same-sized window to a larger one, breaker untouched', async () => {
    const small = await mock('small', dialect, 'context_length');
    const same = await mock('same', dialect);
    const large = await mock('large', 'openai');
    const relay = await startTestRelay({
      providers: [providerEntry('small', small), providerEntry('same', same), providerEntry('large', large)],
      models: {
        m: {
          chain: [
            { provider: 'small', model: 'small-model', contextWindow: 8_000 },
            { provider: 'same', model: 'same-model', contextWindow: 8_000 },
            { provider: 'large', model: 'large-model', contextWindow: 200_000 },
          ],
        },
      },
      policies: { breaker: { consecutiveFailures: 2, minimumVolume: 2 } },
    });
    for (let i = 0; i < 4; i++) {
      const reply = await relay.chat(chatBody('m'));
      expect(reply.status).toBe(200);
      expect(reply.header('x-relay-provider')).toBe('large');
      expect(reply.header('x-relay-attempts')).toBe('2');
    }
    // Every request still went to the primary first: 4 refusals did not open its breaker (threshold 2).
    expect([requestsOf(small), requestsOf(same), requestsOf(large)]).toEqual([4, 0, 4]);
    const events = (await relay.get('/relay/events')).json().data as Array<Record<string, unknown>>;
    expect(events.filter((event) => event['type'] === 'breaker')).toEqual([]);
  });

  it('context length on a stream request: the stream is served by the larger window', async () => {
    const small = await mock('small', dialect, 'context_length');
    const large = await mock('large', 'openai');
    const relay = await startTestRelay({
      providers: [providerEntry('small', small), providerEntry('large', large)],
      models: {
        m: {
          chain: [
            { provider: 'small', model: 'small-model', contextWindow: 8_000 },
            { provider: 'large', model: 'large-model', contextWindow: 200_000 },
          ],
        },
      },
    });
    const reply = await relay.stream(chatBody('m', { stream: true }));
    expect(reply.status).toBe(200);
    expect(reply.header('x-relay-provider')).toBe('large');
    expect(reply.events.at(-1)).toBe('[DONE]');
    expect([requestsOf(small), requestsOf(large)]).toEqual([1, 1]);
  });

  it('context length with no larger window left: the client gets the refusal as a 400, not a 503', async () => {
    const small = await mock('small', dialect, 'context_length');
    const same = await mock('same', dialect);
    const relay = await startTestRelay({
      providers: [providerEntry('small', small), providerEntry('same', same)],
      models: {
        m: {
          chain: [
            { provider: 'small', model: 'small-model', contextWindow: 8_000 },
            { provider: 'same', model: 'same-model', contextWindow: 4_000 },
          ],
        },
      },
    });
    const reply = await relay.chat(chatBody('m'));
    expect(reply.status).toBe(400);
    expect(reply.json().error.message).toMatch(/context length|too long|input token count/);
    expect([requestsOf(small), requestsOf(same)]).toEqual([1, 0]);
  });

  it('model not found: fails over to the next target; alone, the client gets the 404', async () => {
    const retired = await mock('retired', dialect, 'model_not_found');
    const next = await mock('next', 'openai');
    const relay = await startTestRelay({
      providers: [providerEntry('retired', retired), providerEntry('next', next)],
      models: {
        both: {
          chain: [
            { provider: 'retired', model: 'old-model' },
            { provider: 'next', model: 'new-model' },
          ],
        },
        alone: { chain: [{ provider: 'retired', model: 'old-model' }] },
      },
    });
    const served = await relay.chat(chatBody('both'));
    expect(served.status).toBe(200);
    expect(served.header('x-relay-provider')).toBe('next');
    const refused = await relay.chat(chatBody('alone'));
    expect(refused.status).toBe(404);
    expect(refused.json().error.message).toContain('old-model');
    expect(requestsOf(retired)).toBe(2);
  });

  it('content policy: no failover, and the upstream reason reaches the client', async () => {
    const strict = await mock('strict', dialect, 'content_filter');
    const other = await mock('other', 'openai');
    const relay = await startTestRelay({
      providers: [providerEntry('strict', strict), providerEntry('other', other)],
      models: {
        m: {
          chain: [
            { provider: 'strict', model: 'x' },
            { provider: 'other', model: 'y' },
          ],
        },
      },
    });
    const reply = await relay.chat(chatBody('m'));
    expect(requestsOf(other)).toBe(0);
    if (dialect === 'gemini') {
      // Gemini refuses a prompt with a 200 and a blockReason: an answer whose finish says why.
      expect(reply.status).toBe(200);
      expect(reply.json().choices[0].finish_reason).toBe('content_filter');
    } else {
      expect(reply.status).toBe(400);
      expect(reply.json().error.message).toMatch(/content (?:management|filtering) policy/);
    }
  });
});
