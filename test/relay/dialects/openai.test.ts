import { describe, expect, it } from 'vitest';
import { VERDICTS } from '../../../src/relay/classify.js';
import { openaiDialect } from '../../../src/relay/dialects/openai.js';
import { responseContext, sse, target, textOf, translate } from './helpers.js';

const deepseek = target('openai', 'https://api.deepseek.com/v1', 'deepseek-chat', { authorization: 'Bearer sk' });

const completion = {
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1,
  model: 'deepseek-chat',
  choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
};

describe('openai dialect: request', () => {
  it('passes the request through with the target model forced and unknown fields kept', () => {
    const out = openaiDialect.buildRequest(
      deepseek,
      { model: 'cheap', messages: [{ role: 'user', content: 'hi' }], temperature: 0, logit_bias: { '1': 2 } },
      'req-1',
    );
    expect(out.path).toBe('/v1/chat/completions');
    expect(out.headers).toMatchObject({
      authorization: 'Bearer sk',
      'content-type': 'application/json',
      'x-request-id': 'req-1',
    });
    expect(JSON.parse(out.body)).toEqual({
      model: 'deepseek-chat',
      messages: [{ role: 'user', content: 'hi' }],
      temperature: 0,
      logit_bias: { '1': 2 },
    });
  });

  it('always asks a stream for usage, keeping other stream options', () => {
    const out = openaiDialect.buildRequest(
      deepseek,
      {
        model: 'cheap',
        messages: [{ role: 'user', content: 'hi' }],
        stream: true,
        stream_options: { include_usage: false, x: 1 } as never,
      },
      'r',
    );
    expect(JSON.parse(out.body)).toMatchObject({ stream: true, stream_options: { include_usage: true, x: 1 } });
  });

  it("sends the client's model when the target has none (legacy config)", () => {
    const legacy = { ...deepseek, model: '' };
    expect(
      JSON.parse(
        openaiDialect.buildRequest(legacy, { model: 'gpt-x', messages: [{ role: 'user', content: 'hi' }] }, 'r').body,
      ).model,
    ).toBe('gpt-x');
  });
});

describe('openai dialect: response', () => {
  it('serves a completion byte for byte with usage read', () => {
    const raw = Buffer.from(JSON.stringify(completion));
    const outcome = openaiDialect.parseResponse(200, {}, raw, responseContext);
    expect(outcome.verdict).toBe(VERDICTS.ok);
    if (outcome.response?.kind !== 'json') throw new Error('expected a json response');
    expect(outcome.response.body).toBe(raw);
    expect(outcome.response.usage).toEqual({ promptTokens: 3, completionTokens: 2 });
    expect(outcome.response.model).toBe('deepseek-chat');
  });

  it('passes an OpenAI error body through unchanged', () => {
    const raw = Buffer.from(
      JSON.stringify({
        error: { message: 'quota', type: 'insufficient_quota', param: null, code: 'insufficient_quota' },
      }),
    );
    const outcome = openaiDialect.parseResponse(429, { 'retry-after': '20' }, raw, responseContext);
    expect(outcome.verdict).toBe(VERDICTS.quota);
    if (outcome.response !== undefined) throw new Error('expected a failure');
    expect(outcome.body).toBe(raw);
    expect(outcome.status).toBe(429);
  });

  it('wraps a non-JSON error page into an OpenAI error', () => {
    const outcome = openaiDialect.parseResponse(502, {}, Buffer.from('<html>Bad Gateway</html>'), responseContext);
    expect(outcome.verdict).toBe(VERDICTS.status_5xx);
    if (outcome.response !== undefined) throw new Error('expected a failure');
    expect(JSON.parse(String(outcome.body))).toEqual({
      error: {
        message: 'upstream answered HTTP 502: <html>Bad Gateway</html>',
        type: 'server_error',
        param: null,
        code: null,
      },
    });
  });

  it('fails a 200 with an error body', () => {
    const outcome = openaiDialect.parseResponse(
      200,
      {},
      Buffer.from('{"error":{"message":"overloaded","type":"server_error"}}'),
      responseContext,
    );
    expect(outcome.verdict).toBe(VERDICTS.error_body);
  });
});

const chunk = (delta: object, finish: string | null = null, extra: object = {}) => ({
  id: 'c',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'm',
  choices: [{ index: 0, delta, finish_reason: finish }],
  ...extra,
});

describe('openai dialect: stream', () => {
  const streamed = sse([
    [undefined, chunk({ role: 'assistant', content: '' })],
    [undefined, chunk({ content: 'Hi' })],
    [undefined, chunk({}, 'stop')],
    [
      undefined,
      {
        id: 'c',
        object: 'chat.completion.chunk',
        created: 1,
        model: 'm',
        choices: [],
        usage: { prompt_tokens: 4, completion_tokens: 1, total_tokens: 5 },
      },
    ],
    [undefined, '[DONE]'],
  ]);

  it('passes chunks through; the first content chunk is the one with text', () => {
    const { chunks, end, contentAfter, usage } = translate('openai', streamed, true);
    expect(end).toBe('done');
    expect(contentAfter).toBe(1);
    expect(textOf(chunks)).toBe('Hi');
    expect(chunks).toHaveLength(4);
    expect(usage).toEqual({ promptTokens: 4, completionTokens: 1 });
  });

  it('drops the usage chunk when the client did not ask, but still counts usage', () => {
    const { chunks, usage } = translate('openai', streamed, false);
    expect(chunks).toHaveLength(3);
    expect(usage).toEqual({ promptTokens: 4, completionTokens: 1 });
  });

  it('reports an in-band error chunk', () => {
    const { end } = translate(
      'openai',
      sse([
        [undefined, chunk({ content: 'Hi' })],
        [undefined, { error: { message: 'boom', type: 'server_error' } }],
      ]),
    );
    expect(end).toMatchObject({ cut: 'in_band_error', verdict: VERDICTS.status_5xx, status: 500 });
  });

  it('calls EOF without [DONE] or a finish reason truncated', () => {
    expect(translate('openai', sse([[undefined, chunk({ content: 'Hi' })]])).end).toMatchObject({ cut: 'reset' });
  });

  it('accepts EOF after a finish reason without [DONE]', () => {
    expect(
      translate(
        'openai',
        sse([
          [undefined, chunk({ content: 'Hi' })],
          [undefined, chunk({}, 'stop')],
        ]),
      ).end,
    ).toBe('done');
  });

  it('calls a non-JSON chunk malformed', () => {
    expect(translate('openai', 'data: {not json\n\n').end).toMatchObject({
      cut: 'malformed',
      verdict: VERDICTS.malformed,
    });
  });
});
