/**
 * Issue 12, item 4: a malformed SSE event in an otherwise good stream (the mock's `malformed`
 * fault slips a half event in after N events), under both settings of
 * `policies.streams.malformedEvent`. `fail` (default): after the first content chunk the client
 * gets an error event and no `[DONE]`; before it, the chain fails over. `skip`: the event is
 * dropped, counted in /metrics, and the whole answer arrives. Real sockets throughout.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { chatBody, closeAll, startTestRelay, streamedText } from './support.js';
import { applyFault, primaryFallbackConfig, startMock } from './support-mock.js';

afterEach(closeAll);

async function primaryAndFallback(malformedEvent?: 'fail' | 'skip') {
  const [primary, fallback] = await Promise.all([startMock('primary'), startMock('fallback')]);
  const relay = await startTestRelay({
    ...primaryFallbackConfig(primary, fallback),
    ...(malformedEvent === undefined ? {} : { policies: { streams: { malformedEvent } } }),
  });
  return { primary, fallback, relay };
}

const body = chatBody('gpt', { stream: true, max_tokens: 8, stream_options: { include_usage: true } });

/** relay_stream_events_skipped_total for `target`, 0 when absent. */
async function skipped(relay: Awaited<ReturnType<typeof startTestRelay>>, target: string): Promise<number> {
  const text = (await relay.get('/metrics')).text;
  const line = text.split('\n').find((l) => l.startsWith(`relay_stream_events_skipped_total{target="${target}"}`));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}

describe('a malformed event mid-stream', () => {
  it('fail (the default): after the first content chunk, an error event and no [DONE]', async () => {
    const { primary, relay } = await primaryAndFallback();
    await applyFault(primary, { kind: 'drip', ms: 30 }); // tokens in separate reads: the first reaches the client
    await applyFault(primary, { kind: 'malformed', afterChunks: 3 });
    const reply = await relay.stream(body);
    expect(reply.status).toBe(200);
    expect(reply.header('x-relay-provider')).toBe('primary');
    expect(reply.events).not.toContain('[DONE]');
    const last = JSON.parse(reply.events.at(-1)!) as { error?: { message: string } };
    expect(last.error?.message).toMatch(/malformed stream chunk/);
    expect(await skipped(relay, 'primary/p')).toBe(0);
  });

  it('fail: before the first content chunk, the chain fails over to a whole answer', async () => {
    const { primary, relay } = await primaryAndFallback('fail');
    await applyFault(primary, { kind: 'malformed', afterChunks: 1 }); // right after the role chunk
    const reply = await relay.stream(body);
    expect(reply.header('x-relay-provider')).toBe('fallback');
    expect(reply.events.at(-1)).toBe('[DONE]');
  });

  it('skip: the event is dropped and counted, and the whole answer arrives with [DONE]', async () => {
    const { primary, relay } = await primaryAndFallback('skip');
    await applyFault(primary, { kind: 'drip', ms: 30 });
    await applyFault(primary, { kind: 'malformed', afterChunks: 3 });
    const reply = await relay.stream(body);
    expect(reply.header('x-relay-provider')).toBe('primary');
    expect(reply.events.at(-1)).toBe('[DONE]');
    // The mock adds the half event before a whole one: nothing of the answer is lost.
    const usage = JSON.parse(reply.events.at(-2)!) as { usage: { completion_tokens: number } };
    const tokens = streamedText(reply.events)
      .split(' ')
      .filter((word) => word !== '').length;
    expect(tokens).toBe(usage.usage.completion_tokens);
    expect(await skipped(relay, 'primary/p')).toBe(1);
  });
});
