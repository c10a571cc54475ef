/**
 * The served-stream limits of StreamReader: the idle timeout measures time spent waiting on the
 * upstream only (a slow client holding the stream is not an idle upstream), the deadline bounds
 * the whole stream, and a stream whose finish reason arrived ends as done at the idle timeout.
 * The upstream is an in-memory body (the limits are timer logic; e2e tests cover real sockets).
 */
import { describe, expect, it } from 'vitest';
import { StreamCutError } from '../../../src/relay/contract.js';
import { openaiDialect } from '../../../src/relay/dialects/openai.js';
import { StreamReader, type StreamLimits } from '../../../src/relay/streaming/stream-reader.js';
import type { UpstreamStream } from '../../../src/relay/upstream/client.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const chunk = (delta: object, finish: string | null = null): Buffer =>
  Buffer.from(
    `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`,
  );

/** An upstream body that yields `chunks`, each after its delay, then hangs (or ends with `end`). */
function upstream(
  chunks: Array<[delayMs: number, data: Buffer]>,
  end: boolean,
): UpstreamStream & { destroyed: boolean } {
  let index = 0;
  let hang: ((value: IteratorResult<Buffer>) => void) | undefined;
  const stream = {
    status: 200,
    contentType: 'text/event-stream',
    headers: {},
    destroyed: false,
    body: {
      async next(): Promise<IteratorResult<Buffer>> {
        const next = chunks[index++];
        if (next !== undefined) {
          await sleep(next[0]);
          return { done: false, value: next[1] };
        }
        if (end) return { done: true, value: undefined };
        return new Promise((resolve) => (hang = resolve));
      },
    },
    firstContent: () => {},
    readAll: () => Promise.resolve(Buffer.alloc(0)),
    destroy() {
      stream.destroyed = true;
      hang?.({ done: true, value: undefined });
    },
    release() {
      stream.destroy();
    },
  };
  return stream;
}

function reader(body: UpstreamStream, limits: StreamLimits): StreamReader {
  return new StreamReader(
    body,
    openaiDialect.parseStream({ model: 'm', created: 1, requestId: 'r', includeUsage: false }),
    limits,
  );
}

async function drain(r: StreamReader, pauseMs = 0): Promise<{ events: string[]; error: unknown; ms: number }> {
  const started = performance.now();
  const events: string[] = [];
  try {
    for await (const event of r.events()) {
      events.push(event);
      if (pauseMs > 0) await sleep(pauseMs);
    }
    return { events, error: undefined, ms: performance.now() - started };
  } catch (error) {
    return { events, error, ms: performance.now() - started };
  }
}

describe('served-stream limits', () => {
  it('a client slower than the idle timeout is not an idle upstream', async () => {
    const body = upstream(
      [
        [0, chunk({ role: 'assistant', content: 'a' })],
        [0, chunk({ content: 'b' })],
        [0, chunk({ content: 'c' })],
        [0, chunk({}, 'stop')],
        [0, Buffer.from('data: [DONE]\n\n')],
      ],
      true,
    );
    const r = reader(body, { idleMs: 100, deadline: Infinity });
    expect(await r.readToFirstContent()).toBeUndefined();
    const { events, error } = await drain(r, 250); // the consumer holds each event 2.5x the idle timeout
    expect(error).toBeUndefined();
    expect(events).toHaveLength(4);
  });

  it('an upstream silent for the idle timeout is a timeout cut', async () => {
    const body = upstream([[0, chunk({ role: 'assistant', content: 'a' })]], false);
    const r = reader(body, { idleMs: 150, deadline: Infinity });
    expect(await r.readToFirstContent()).toBeUndefined();
    const { events, error, ms } = await drain(r);
    expect(events).toHaveLength(1);
    expect(error).toBeInstanceOf(StreamCutError);
    expect((error as StreamCutError).kind).toBe('timeout');
    expect(ms).toBeGreaterThanOrEqual(150 * 0.9);
    expect(ms).toBeLessThan(150 + 1_000);
    expect(body.destroyed).toBe(true);
  });

  it('the deadline cuts a stream that keeps flowing', async () => {
    const tokens: Array<[number, Buffer]> = Array.from({ length: 40 }, () => [50, chunk({ content: 'x' })]);
    const body = upstream([[0, chunk({ role: 'assistant', content: 'a' })], ...tokens], true);
    const r = reader(body, { idleMs: 1_000, deadline: performance.now() + 400 });
    expect(await r.readToFirstContent()).toBeUndefined();
    const { error, ms } = await drain(r);
    expect((error as StreamCutError).message).toMatch(/deadline/);
    expect(ms).toBeLessThan(400 + 1_000);
  });

  it('after the finish reason, the idle timeout ends the stream as done', async () => {
    const body = upstream(
      [
        [0, chunk({ role: 'assistant', content: 'a' })],
        [0, chunk({}, 'stop')],
      ],
      false,
    );
    const r = reader(body, { idleMs: 150, deadline: Infinity });
    expect(await r.readToFirstContent()).toBeUndefined();
    const { events, error } = await drain(r);
    expect(error).toBeUndefined();
    expect(events).toHaveLength(2);
  });
});
