/**
 * Issue 12, item 3: opt-in mid-stream continuation (`policies.streams.continueOnCut`). A stream cut
 * mid-answer is continued by the chain's next target from the text already sent (Anthropic: a
 * native assistant prefill), and the client's stream goes on as one: same id/created/model, no
 * text repeated, one usage chunk summing both attempts, `[DONE]`. Off by default; never for tool
 * calls; a fallback that refuses the prefill leaves the client the ORIGINAL cut. Real sockets: mock
 * providers (answers seeded by the prompt, so the continuation is checkable word by word) and the
 * relay in-process.
 */
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { startMockProvider, type RunningMockProvider } from '../../../src/mock/provider.js';
import type { DialectName } from '../../../src/mock/dialect.js';
import { chatBody, closeAll, onCleanup, startTestRelay, startUpstream, streamedText } from './support.js';
import { applyFault, baseUrlOf } from './support-mock.js';

afterEach(closeAll);

const PRICE_P = { input: 1, output: 2 };
const PRICE_F = { input: 3, output: 5 };
/** The primary's stream is cut after its role chunk and this many words. */
const WORDS_BEFORE_CUT = 5;

/** A mock whose answers depend only on the conversation: both mocks answer `hello` alike. */
async function mock(name: string, dialect: DialectName): Promise<RunningMockProvider> {
  const started = await startMockProvider({ name, dialect, latencyMs: 0, answerSeed: 'prompt' });
  onCleanup(() => started.close());
  return started;
}

/** Relay over an OpenAI-dialect primary and a fallback (Anthropic: a native prefill). */
async function relayOver(
  primaryUrl: string,
  fallback: RunningMockProvider,
  continueOnCut: boolean | undefined,
  extra: {
    primary?: Record<string, unknown>;
    alias?: Record<string, unknown>;
    fallback?: Record<string, unknown>;
  } = {},
) {
  return startTestRelay({
    providers: [
      { name: 'primary', dialect: 'openai', baseUrl: primaryUrl, ...extra.primary },
      { name: 'fallback', dialect: fallback.dialect, baseUrl: baseUrlOf(fallback), ...extra.fallback },
    ],
    models: {
      gpt: {
        ...extra.alias,
        chain: [
          { provider: 'primary', model: 'p', price: PRICE_P },
          { provider: 'fallback', model: 'f', price: PRICE_F },
        ],
      },
    },
    policies: continueOnCut === undefined ? {} : { streams: { continueOnCut } },
  });
}

/** The fallback's whole answer to `hello`, asked directly with room for many words. */
async function wholeAnswerWords(fallback: RunningMockProvider): Promise<string[]> {
  const res = await request(`${fallback.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'f', max_tokens: 4000, messages: [{ role: 'user', content: 'hello' }] }),
  });
  const json = (await res.body.json()) as { content: Array<{ text: string }> };
  return json.content[0]!.text.split(' ');
}

function errorOf(events: readonly string[]): { message: string; code: string } | undefined {
  const last = events.at(-1);
  if (last === undefined || last === '[DONE]') return undefined;
  return (JSON.parse(last) as { error?: { message: string; code: string } }).error;
}

const STREAM = { stream: true, max_tokens: 30, stream_options: { include_usage: true } };

describe('continueOnCut: a stream cut mid-answer goes on on the next target', () => {
  it('gives the client one seamless complete answer, charged for both attempts', async () => {
    const [primary, fallback] = await Promise.all([mock('primary', 'openai'), mock('fallback', 'anthropic')]);
    const relay = await relayOver(baseUrlOf(primary), fallback, true);
    await applyFault(primary, { kind: 'cut', afterChunks: 1 + WORDS_BEFORE_CUT });

    const reply = await relay.stream(chatBody('gpt', STREAM));
    expect(reply.status).toBe(200);
    expect(reply.header('x-relay-provider')).toBe('primary');
    expect(reply.events.at(-1)).toBe('[DONE]');
    expect(errorOf(reply.events)).toBeUndefined();
    const chunks = reply.events.slice(0, -1).map((event) => JSON.parse(event) as Record<string, any>);

    // The text: the primary's words, then the fallback's rest, exactly the one answer, none repeated.
    const words = streamedText(reply.events).split(' ');
    const whole = await wholeAnswerWords(fallback);
    expect(words.length).toBeGreaterThan(WORDS_BEFORE_CUT);
    expect(words).toEqual(whole.slice(0, words.length));
    const prefix = whole.slice(0, WORDS_BEFORE_CUT).join(' ');
    const [asked] = fallback.control.log.entries();
    expect(asked?.prefillChars).toBe(prefix.length); // the fallback was asked to continue from what was sent

    // One stream: the first chunk's id, created and model throughout; one role delta; one usage chunk.
    for (const chunk of chunks) {
      expect(chunk['id']).toBe(chunks[0]!['id']);
      expect(chunk['created']).toBe(chunks[0]!['created']);
      expect(chunk['model']).toBe(chunks[0]!['model']);
    }
    expect(chunks.filter((chunk) => chunk['choices']?.[0]?.delta?.role !== undefined)).toHaveLength(1);
    const usages = chunks.filter((chunk) => chunk['usage'] !== undefined && chunk['usage'] !== null);
    expect(usages).toHaveLength(1);

    // Usage and cost: the cut attempt (estimated at ~4 characters a token: it never reported) plus the rest.
    const firstCompletion = Math.ceil(prefix.length / 4);
    const firstPrompt = asked!.promptTokens - firstCompletion;
    const usage = usages[0]!['usage'] as Record<string, number>;
    expect(usage['prompt_tokens']).toBe(firstPrompt + asked!.promptTokens);
    expect(usage['completion_tokens']).toBe(firstCompletion + asked!.completionTokens);
    const cost =
      (firstPrompt * PRICE_P.input +
        firstCompletion * PRICE_P.output +
        asked!.promptTokens * PRICE_F.input +
        asked!.completionTokens * PRICE_F.output) /
      1e6;
    const metrics = (await relay.get('/metrics')).text;
    const charged = Number(/relay_cost_usd_total\{model="gpt"\} (\S+)/.exec(metrics)?.[1]);
    expect(charged).toBeCloseTo(cost, 10);
    expect(metrics).toMatch(/relay_stream_continuations_total\{outcome="continued"\} 1/);
    expect(metrics).toMatch(/relay_attempts_total\{target="fallback\/f",outcome="ok"\} 1/);
  });

  it('is off by default: the client gets the cut as an error event, and no fallback is asked', async () => {
    const [primary, fallback] = await Promise.all([mock('primary', 'openai'), mock('fallback', 'anthropic')]);
    const relay = await relayOver(baseUrlOf(primary), fallback, undefined);
    await applyFault(primary, { kind: 'cut', afterChunks: 1 + WORDS_BEFORE_CUT });
    const reply = await relay.stream(chatBody('gpt', STREAM));
    expect(reply.status).toBe(200);
    expect(reply.events).not.toContain('[DONE]');
    expect(errorOf(reply.events)?.code).toBe('upstream_stream_cut');
    expect(streamedText(reply.events.slice(0, -1)).split(' ')).toHaveLength(WORDS_BEFORE_CUT);
    expect(fallback.control.log.entries()).toHaveLength(0);
  });

  it('never continues a tool call', async () => {
    const fallback = await mock('fallback', 'anthropic');
    const primary = await startUpstream(({ res, after }) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const chunk = (delta: unknown): string =>
        `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'p', choices: [{ index: 0, delta, finish_reason: null }] })}\n\n`;
      res.write(chunk({ role: 'assistant', content: null }));
      const call = { index: 0, id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"q":' } };
      res.write(chunk({ tool_calls: [call] }));
      after(50, () => res.socket?.destroy());
    });
    const relay = await relayOver(`${primary.origin}/v1`, fallback, true);
    const reply = await relay.stream(chatBody('gpt', STREAM));
    expect(reply.events).not.toContain('[DONE]');
    expect(errorOf(reply.events)?.code).toBe('upstream_stream_cut');
    expect(reply.events.some((event) => event.includes('"tool_calls"'))).toBe(true);
    expect(fallback.control.log.entries()).toHaveLength(0);
    const metrics = (await relay.get('/metrics')).text;
    expect(metrics).toMatch(/relay_stream_continuations_total\{outcome="original_cut"\} 1/);
  });

  it('gives the client the original cut, not the 400, when the fallback refuses the prefill', async () => {
    const [primary, fallback] = await Promise.all([mock('primary', 'openai'), mock('fallback', 'anthropic')]);
    const off = await relayOver(baseUrlOf(primary), fallback, false);
    await applyFault(primary, { kind: 'cut', afterChunks: 1 + WORDS_BEFORE_CUT });
    const original = errorOf((await off.stream(chatBody('gpt', STREAM))).events);

    const relay = await relayOver(baseUrlOf(primary), fallback, true);
    await applyFault(fallback, { kind: 'prefill_unsupported' });
    const reply = await relay.stream(chatBody('gpt', STREAM));
    expect(reply.status).toBe(200);
    expect(reply.events).not.toContain('[DONE]');
    const error = errorOf(reply.events);
    expect(error?.code).toBe('upstream_stream_cut');
    expect(error?.message).toBe(original?.message);
    expect(reply.text).not.toMatch(/prefill|invalid_request_error/);
    // The fallback was asked (and refused with its 400), once.
    expect(fallback.control.log.entries().map((entry) => entry.status)).toEqual([400]);
    expect(streamedText(reply.events.slice(0, -1)).split(' ')).toHaveLength(WORDS_BEFORE_CUT);
  });

  it('trims a prefill ending in whitespace for Anthropic (which refuses it) and does not repeat it', async () => {
    const fallback = await mock('fallback', 'anthropic');
    const primary = await startUpstream(({ res, after }) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const chunk = (delta: unknown): string =>
        `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'p', choices: [{ index: 0, delta, finish_reason: null }] })}\n\n`;
      for (const content of ['', 'Once', ' upon', ' ']) res.write(chunk({ role: 'assistant', content }));
      after(50, () => res.socket?.destroy());
    });
    const relay = await relayOver(`${primary.origin}/v1`, fallback, true);
    const reply = await relay.stream(chatBody('gpt', STREAM));
    expect(reply.events.at(-1)).toBe('[DONE]');
    expect(fallback.control.log.entries()[0]?.prefillChars).toBe('Once upon'.length);
    const text = streamedText(reply.events);
    // The mock goes on with " word ...": the client's trailing space is not doubled.
    expect(text.startsWith('Once upon ')).toBe(true);
    expect(text).not.toContain('  ');
  });

  it('continues a stream cut by the idle timeout (a stall), and an alias can switch it on alone', async () => {
    const [primary, fallback] = await Promise.all([mock('primary', 'openai'), mock('fallback', 'gemini')]);
    const relay = await relayOver(baseUrlOf(primary), fallback, false, {
      primary: { streamIdleTimeoutMs: 300 },
      alias: { continueOnCut: true },
    });
    await applyFault(primary, { kind: 'stream_stall', afterChunks: 1 + WORDS_BEFORE_CUT, ms: 10_000, close: false });
    const reply = await relay.stream(chatBody('gpt', STREAM));
    expect(reply.events.at(-1)).toBe('[DONE]');
    expect(reply.ms).toBeLessThan(5_000); // not the 10 s stall
    const words = streamedText(reply.events).split(' ');
    expect(words.length).toBeGreaterThan(WORDS_BEFORE_CUT);
    // Gemini continues from a final model turn holding the words sent.
    expect(fallback.control.log.entries()[0]?.prefillChars).toBe(words.slice(0, WORDS_BEFORE_CUT).join(' ').length);
  });

  it('never asks an OpenAI-compatible target without a prefill mode; asks one with prefill: prefix', async () => {
    const [primary, plain] = await Promise.all([mock('primary', 'openai'), mock('plain', 'openai')]);
    const off = await relayOver(baseUrlOf(primary), plain, true);
    await applyFault(primary, { kind: 'cut', afterChunks: 1 + WORDS_BEFORE_CUT });
    const cut = await off.stream(chatBody('gpt', STREAM));
    expect(errorOf(cut.events)?.code).toBe('upstream_stream_cut');
    expect(plain.control.log.entries()).toHaveLength(0);

    const deepseek = await mock('deepseek', 'openai');
    const on = await relayOver(baseUrlOf(primary), deepseek, true, { fallback: { prefill: 'prefix' } });
    const reply = await on.stream(chatBody('gpt', STREAM));
    expect(reply.events.at(-1)).toBe('[DONE]');
    expect(deepseek.control.log.entries()[0]?.prefillChars).toBeGreaterThan(0);
  });
});
