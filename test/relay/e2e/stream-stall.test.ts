/**
 * Issue 12, item 1: a stream that stalls after its first token. The relay cuts it at the
 * provider's `streamIdleTimeoutMs` (not undici's 300 s body timeout, not the stall's end), the
 * client gets an explicit error event and no `[DONE]`, and the breaker counts the failure.
 * The request deadline bounds a served stream too. Real sockets: mock providers on loopback
 * (faults over their control API) and the relay in-process.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { chatBody, closeAll, startTestRelay, streamedText } from './support.js';
import { applyFault, primaryFallbackConfig, startMock } from './support-mock.js';

afterEach(closeAll);

const IDLE_MS = 500;
const STALL_MS = 10_000;

async function primaryAndFallback(relayExtra: Record<string, any> = {}) {
  const [primary, fallback] = await Promise.all([startMock('primary'), startMock('fallback')]);
  const relay = await startTestRelay({
    ...primaryFallbackConfig(primary, fallback, { streamIdleTimeoutMs: IDLE_MS }),
    policies: { breaker: { consecutiveFailures: 1, openMs: 60_000 } },
    ...relayExtra,
  });
  return { primary, fallback, relay };
}

/** The error event's payload, if the stream ended with one. */
function errorOf(events: readonly string[]): { message: string; code: string } | undefined {
  const last = events.at(-1);
  if (last === undefined || last === '[DONE]') return undefined;
  const parsed = JSON.parse(last) as { error?: { message: string; code: string } };
  return parsed.error;
}

describe('a stream that stalls after its first token', () => {
  it('is cut at the idle timeout with an error event, and the breaker opens on it', async () => {
    const { primary, relay } = await primaryAndFallback();
    await applyFault(primary, { kind: 'stream_stall', afterChunks: 2, ms: STALL_MS, close: false });

    const cut = await relay.stream(chatBody('gpt', { stream: true, max_tokens: 8 }));
    expect(cut.status).toBe(200);
    expect(cut.header('x-relay-provider')).toBe('primary');
    expect(streamedText(cut.events.slice(0, -1)).length).toBeGreaterThan(0); // the first token arrived
    expect(cut.events).not.toContain('[DONE]');
    expect(errorOf(cut.events)?.message).toMatch(/nothing for 500 ms/);
    expect(errorOf(cut.events)?.code).toBe('upstream_stream_stalled'); // not a cut: its own code
    // Cut at the idle timeout, far from the 10 s stall (generous bound for a loaded machine).
    expect(cut.ms).toBeGreaterThanOrEqual(IDLE_MS * 0.9);
    expect(cut.ms).toBeLessThan(IDLE_MS + 2_500);

    // The breaker (open after one failure) took the primary out: the next stream goes to the fallback.
    const next = await relay.stream(chatBody('gpt', { stream: true, max_tokens: 8 }));
    expect(next.status).toBe(200);
    expect(next.header('x-relay-provider')).toBe('fallback');
    expect(next.header('x-relay-attempts')).toBe('1');
    expect(next.events.at(-1)).toBe('[DONE]');
    expect(primary.control.log.entries().length).toBe(1);
  });

  it('is not cut while chunks keep coming within the idle timeout', async () => {
    const { primary, relay } = await primaryAndFallback();
    // Tokens 200 ms apart for ~2 s: many times the idle timeout in all, never a gap as long.
    await applyFault(primary, { kind: 'drip', ms: 200 });
    const reply = await relay.stream(chatBody('gpt', { stream: true, max_tokens: 10 }));
    expect(reply.events.at(-1)).toBe('[DONE]');
    expect(reply.header('x-relay-provider')).toBe('primary');
  });

  it('is bounded by the request deadline even when chunks keep coming', async () => {
    const { primary, relay } = await primaryAndFallback({ server: { deadlineMs: 1_000 } });
    await applyFault(primary, { kind: 'drip', ms: 200 });
    const reply = await relay.stream(chatBody('gpt', { stream: true, max_tokens: 40 }));
    expect(reply.status).toBe(200);
    expect(reply.events).not.toContain('[DONE]');
    expect(errorOf(reply.events)?.message).toMatch(/deadline/);
    expect(errorOf(reply.events)?.code).toBe('deadline_exceeded');
    expect(reply.ms).toBeLessThan(1_000 + 2_000);
  });
});
