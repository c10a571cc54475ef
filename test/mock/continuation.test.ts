/**
 * Continuations on the mock, per dialect, over real sockets: a conversation ending with an
 * assistant (Gemini: model) turn is answered with the rest of the planned answer; with
 * `answerSeed: 'prompt'` that is exactly the rest of the answer the mock gives whole; the
 * `prefill_unsupported` fault refuses continuations only, in the dialect's words.
 */
import { describe, expect, it } from 'vitest';
import type { DialectName } from '../../src/mock/dialect.js';
import { parseFaultSpec } from '../../src/mock/fault-spec.js';
import { ask, completionRequest, control, DIALECTS, send, start } from './helpers.js';

const QUESTION = 'Tell the relay a story.';

/** The dialect's request for QUESTION, ending with a prefill turn of `prefill`. */
function continuation(dialect: DialectName, prefill: string, maxTokens: number): { path: string; body: unknown } {
  const { path, body } = completionRequest(dialect, { text: QUESTION, maxTokens });
  const b = body as Record<string, unknown[]>;
  if (dialect === 'gemini') b['contents'] = [...b['contents']!, { role: 'model', parts: [{ text: prefill }] }];
  else b['messages'] = [...b['messages']!, { role: 'assistant', content: prefill }];
  return { path, body: b };
}

/** The answer text of a JSON completion in any dialect. */
function answerOf(dialect: DialectName, json: any): string {
  if (dialect === 'openai') return json.choices[0].message.content;
  if (dialect === 'anthropic') return json.content[0].text;
  return json.candidates[0].content.parts[0].text;
}

describe.each(DIALECTS)('continuations (%s)', (dialect) => {
  it('answers the rest of the answer it would give whole (answerSeed: prompt)', async () => {
    const provider = await start({ name: `cont-${dialect}`, dialect, latencyMs: 0, answerSeed: 'prompt' });
    const whole = answerOf(dialect, JSON.parse((await ask(provider, { text: QUESTION, maxTokens: 20 })).text));
    const words = whole.split(' ');
    expect(words.length).toBeGreaterThanOrEqual(10);
    const prefill = words.slice(0, 4).join(' ');
    const { path, body } = continuation(dialect, prefill, 16);
    const answer = await send(provider.url, path, body);
    expect(answer.status).toBe(200);
    const rest = answerOf(dialect, JSON.parse(answer.text));
    expect(rest.startsWith(' ')).toBe(true); // it goes on from the prefill's last word
    const continued = (prefill + rest).split(' ');
    // The same words, in the same order, with none repeated from the prefill.
    const longer = answerOf(dialect, JSON.parse((await ask(provider, { text: QUESTION, maxTokens: 4000 })).text));
    expect(longer.split(' ').slice(0, continued.length)).toEqual(continued);
    expect(continued.length).toBeGreaterThan(4);
    const log = (await control(provider.url, 'GET', '/_mock/log')).json.entries as Array<{ prefillChars: number }>;
    expect(log.map((entry) => entry.prefillChars)).toEqual([0, prefill.length, 0]);
  });

  it('prefill_unsupported refuses a continuation with the dialect 400 and serves other requests', async () => {
    const provider = await start({ name: `nopre-${dialect}`, dialect, latencyMs: 0 });
    expect((await control(provider.url, 'POST', '/_mock/faults', { kind: 'prefill_unsupported' })).status).toBe(201);
    expect((await ask(provider, { maxTokens: 4 })).status).toBe(200);
    const { path, body } = continuation(dialect, 'Once upon', 8);
    const refused = await send(provider.url, path, body);
    expect(refused.status).toBe(400);
    const error = JSON.parse(refused.text);
    if (dialect === 'anthropic') expect(error.error.message).toMatch(/does not support assistant message prefill/);
    else if (dialect === 'gemini') expect(error.error.status).toBe('INVALID_ARGUMENT');
    else expect(error.error.type).toBe('invalid_request_error');
  });
});

describe('continuation rules', () => {
  it('anthropic refuses a final assistant turn ending in whitespace, as Anthropic does', async () => {
    const provider = await start({ name: 'ws-anthropic', dialect: 'anthropic', latencyMs: 0 });
    const { path, body } = continuation('anthropic', 'Once upon ', 8);
    const refused = await send(provider.url, path, body);
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.text).error.message).toBe(
      'messages: final assistant content cannot end with trailing whitespace',
    );
  });

  it('prefill_unsupported takes no attributes', () => {
    expect(parseFaultSpec({ kind: 'prefill_unsupported' }).ok).toBe(true);
    const parsed = parseFaultSpec({ kind: 'prefill_unsupported', status: 400 });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problems[0]).toContain("field 'status': not allowed for kind prefill_unsupported");
  });
});
