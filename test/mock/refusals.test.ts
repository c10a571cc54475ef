/**
 * The refusal faults (`context_length`, `content_filter`, `model_not_found`) answer in each
 * dialect's own shape, and the relay's classifier reads each of them as the refusal it is.
 */
import { describe, expect, it } from 'vitest';
import { classify } from '../../src/relay/classify.js';
import { ask, control, DIALECTS, sseEvents, start } from './helpers.js';

const STATUS = {
  openai: { context_length: 400, content_filter: 400, model_not_found: 404 },
  anthropic: { context_length: 400, content_filter: 400, model_not_found: 404 },
  gemini: { context_length: 400, content_filter: 200, model_not_found: 404 },
} as const;

/** The provider's words each refusal must carry, as the real APIs word them. */
const WORDS = {
  openai: {
    context_length: /maximum context length/,
    content_filter: /content management policy/,
    model_not_found: /does not exist/,
  },
  anthropic: {
    context_length: /^prompt is too long: \d+ tokens > \d+ maximum$/,
    content_filter: /content filtering policy/,
    model_not_found: /^model: /,
  },
  gemini: {
    context_length: /input token count \(\d+\) exceeds the maximum/,
    content_filter: /SAFETY/,
    model_not_found: /is not found for API version/,
  },
} as const;

const KINDS = ['context_length', 'content_filter', 'model_not_found'] as const;

describe.each(DIALECTS)('refusal faults in the %s dialect', (dialect) => {
  it.each(KINDS)('%s answers in the dialect shape, and the relay classifies it so', async (kind) => {
    const provider = await start({ name: `r-${dialect}`, dialect, latencyMs: 0 });
    expect((await control(provider.url, 'POST', '/_mock/faults', { kind })).status).toBe(201);
    const res = await ask(provider, { model: 'the-model' });
    expect(res.status).toBe(STATUS[dialect][kind]);
    const body = JSON.parse(res.text);
    const said =
      dialect === 'gemini' && kind === 'content_filter' ? body.promptFeedback.blockReason : body.error.message;
    expect(said).toMatch(WORDS[dialect][kind]);
    if (kind === 'model_not_found') expect(said).toContain('the-model');
    const verdict = classify({ status: res.status, body, dialect });
    // Gemini's blocked prompt is an answer (a content_filter finish), not an error.
    expect(verdict.kind).toBe(dialect === 'gemini' && kind === 'content_filter' ? 'ok' : kind);
  });

  it('a refusal that comes as a 200 (Gemini) is one SSE event on a stream; the others are JSON errors', async () => {
    const provider = await start({ name: `rs-${dialect}`, dialect, latencyMs: 0 });
    await control(provider.url, 'POST', '/_mock/faults', { kind: 'content_filter' });
    const res = await ask(provider, { stream: true });
    expect(res.status).toBe(STATUS[dialect].content_filter);
    if (dialect === 'gemini') {
      const events = sseEvents(res.text);
      expect(events).toHaveLength(1);
      expect(JSON.parse(events[0]!.data).promptFeedback.blockReason).toBe('SAFETY');
    } else {
      expect(JSON.parse(res.text).error.message).toMatch(WORDS[dialect].content_filter);
    }
  });

  it('rejects attributes the refusal kinds do not take, naming the field', async () => {
    const provider = await start({ name: `rv-${dialect}`, dialect, latencyMs: 0 });
    const res = await control(provider.url, 'POST', '/_mock/faults', { kind: 'context_length', status: 400 });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.json)).toContain("field 'status': not allowed for kind context_length");
  });
});
