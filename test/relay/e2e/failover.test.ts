/**
 * Acceptance 2: failover on every kind of upstream failure, and the Anthropic and Gemini dialects
 * end to end (wire format out, OpenAI shape back, usage -> `x-relay-cost-usd`).
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  anthropicError,
  anthropicJson,
  anthropicSse,
  chatBody,
  closeAll,
  geminiJson,
  geminiSse,
  openaiError,
  openaiJson,
  refusedOrigin,
  reset,
  stall,
  startTestRelay,
  startUpstream,
  status,
  streamedText,
  type Behaviour,
} from './support.js';

afterEach(closeAll);

/** Alias `gpt`: provider `primary` (OpenAI dialect, 300 ms attempts) then `secondary`. */
function twoOpenAI(primaryBaseUrl: string, secondaryBaseUrl: string): Record<string, unknown> {
  return {
    providers: [
      { name: 'primary', dialect: 'openai', baseUrl: primaryBaseUrl, attemptTimeoutMs: 300, ttfbTimeoutMs: 300 },
      {
        name: 'secondary',
        dialect: 'openai',
        baseUrl: secondaryBaseUrl,
        attemptTimeoutMs: 5_000,
        ttfbTimeoutMs: 5_000,
      },
    ],
    models: {
      gpt: {
        chain: [
          { provider: 'primary', model: 'p-model' },
          { provider: 'secondary', model: 's-model' },
        ],
      },
    },
  };
}

describe('failover between OpenAI-dialect upstreams', () => {
  /** The fault, and the outcome it is counted as in relay_attempts_total. */
  const faults: Array<[string, Behaviour, string]> = [
    ['a connection reset', reset, 'reset'],
    ['HTTP 429', status(429, openaiError('slow down', 'rate_limit_error', 'rate_limit_exceeded')), 'status_429'],
    ['HTTP 500', status(500, openaiError('boom')), 'status_5xx'],
    ['HTTP 503', status(503, openaiError('unavailable')), 'status_5xx'],
    ['HTTP 200 with an error body', status(200, openaiError('overloaded', 'server_error')), 'error_body'],
    ['a JSON body that is not a completion', status(200, { hello: 'world' }), 'malformed'],
  ];

  it.each(faults)('fails over on %s', async (_name, fault, outcome) => {
    const [primary, secondary] = await Promise.all([startUpstream(fault), startUpstream(openaiJson('from secondary'))]);
    const relay = await startTestRelay(twoOpenAI(`${primary.origin}/v1`, `${secondary.origin}/v1`));

    const reply = await relay.chat(chatBody('gpt'));
    expect(reply.status).toBe(200);
    expect(reply.json().choices[0].message.content).toBe('from secondary');
    expect(reply.header('x-relay-provider')).toBe('secondary');
    expect(reply.header('x-relay-attempts')).toBe('2');
    expect([primary.count, secondary.count]).toEqual([1, 1]);
    expect(JSON.parse(secondary.requests[0]!.body).model).toBe('s-model');

    const metrics = (await relay.get('/metrics')).text;
    expect(metrics).toContain(`relay_attempts_total{target="primary/p-model",outcome="${outcome}"} 1`);
    expect(metrics).toContain('relay_attempts_total{target="secondary/s-model",outcome="ok"} 1');
    expect(metrics).toMatch(/^relay_failovers_total 1$/m);
  });

  it('fails over on a refused connection', async () => {
    const secondary = await startUpstream(openaiJson('from secondary'));
    const relay = await startTestRelay(twoOpenAI(`${await refusedOrigin()}/v1`, `${secondary.origin}/v1`));

    const reply = await relay.chat(chatBody('gpt'));
    expect(reply.status).toBe(200);
    expect(reply.header('x-relay-provider')).toBe('secondary');
    expect(reply.header('x-relay-attempts')).toBe('2');
    expect(secondary.count).toBe(1);
  });

  it('fails over when an attempt times out, and closes the stalled upstream call', async () => {
    const [primary, secondary] = await Promise.all([startUpstream(stall), startUpstream(openaiJson('from secondary'))]);
    const relay = await startTestRelay(twoOpenAI(`${primary.origin}/v1`, `${secondary.origin}/v1`));

    const reply = await relay.chat(chatBody('gpt'));
    expect(reply.status).toBe(200);
    expect(reply.header('x-relay-provider')).toBe('secondary');
    expect(reply.ms).toBeGreaterThanOrEqual(300 * 0.9); // the primary's attemptTimeoutMs
    expect(reply.ms).toBeLessThan(3_000);
    expect([primary.count, secondary.count]).toEqual([1, 1]);
    await primary.untilClosedEarly(1);
    expect(primary.closedEarly).toBe(1);
  });

  it('does not fail over on a 400: the client error is passed through', async () => {
    // A plain client error (a context-length refusal is not one: it fails over, see refusals.test.ts).
    const body = openaiError(
      "Invalid value for 'temperature': must be at most 2.",
      'invalid_request_error',
      'invalid_value',
    );
    const [primary, secondary] = await Promise.all([
      startUpstream(status(400, body)),
      startUpstream(openaiJson('unused')),
    ]);
    const relay = await startTestRelay(twoOpenAI(`${primary.origin}/v1`, `${secondary.origin}/v1`));

    const reply = await relay.chat(chatBody('gpt'));
    expect(reply.status).toBe(400);
    expect(reply.json()).toEqual(body);
    expect([primary.count, secondary.count]).toEqual([1, 0]);
  });
});

describe('Anthropic and Gemini dialects end to end', () => {
  const KEYS = { E2E_ANTHROPIC_KEY: 'anthropic-test-key', E2E_GEMINI_KEY: 'gemini-test-key' } as const;
  afterEach(() => {
    for (const name of Object.keys(KEYS)) delete process.env[name];
  });

  /** Alias `claude`: Anthropic first, Gemini as the fallback, both priced. */
  async function claudeThenGemini(anthropic: Behaviour, gemini: Behaviour) {
    Object.assign(process.env, KEYS);
    const [a, g] = await Promise.all([startUpstream(anthropic), startUpstream(gemini)]);
    const relay = await startTestRelay({
      providers: [
        {
          name: 'anthropic',
          dialect: 'anthropic',
          baseUrl: `${a.origin}/v1`,
          apiKeyEnv: 'E2E_ANTHROPIC_KEY',
          attemptTimeoutMs: 5_000,
          ttfbTimeoutMs: 5_000,
        },
        {
          name: 'gemini',
          dialect: 'gemini',
          baseUrl: `${g.origin}/v1beta`,
          apiKeyEnv: 'E2E_GEMINI_KEY',
          attemptTimeoutMs: 5_000,
          ttfbTimeoutMs: 5_000,
        },
      ],
      models: {
        claude: {
          chain: [
            { provider: 'anthropic', model: 'claude-sonnet-4-5', price: { input: 3, output: 15 } },
            { provider: 'gemini', model: 'gemini-2.5-flash', price: { input: 0.3, output: 2.5 } },
          ],
        },
      },
    });
    return { anthropic: a, gemini: g, relay };
  }

  const request = {
    model: 'claude',
    messages: [
      { role: 'system', content: 'be brief' },
      { role: 'user', content: 'hello' },
    ],
    max_tokens: 64,
  };

  it('serves from Anthropic Messages: request mapped, answer translated, cost from usage', async () => {
    const { anthropic, gemini, relay } = await claudeThenGemini(
      anthropicJson('hi from claude', { prompt: 1_200, completion: 300 }),
      geminiJson('unused'),
    );

    const reply = await relay.chat(request);
    expect(reply.status).toBe(200);
    expect(reply.json()).toMatchObject({
      object: 'chat.completion',
      model: 'claude-sonnet-4-5',
      choices: [{ index: 0, message: { role: 'assistant', content: 'hi from claude' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 1_200, completion_tokens: 300, total_tokens: 1_500 },
    });
    // (1200 x $3 + 300 x $15) per million tokens
    expect(reply.header('x-relay-cost-usd')).toBe('0.00810000');
    expect(reply.header('x-relay-provider')).toBe('anthropic');
    expect([anthropic.count, gemini.count]).toEqual([1, 0]);

    const seen = anthropic.requests[0]!;
    expect(seen.method).toBe('POST');
    expect(seen.path).toBe('/v1/messages');
    expect(seen.headers['x-api-key']).toBe('anthropic-test-key');
    expect(seen.headers['anthropic-version']).toBe('2023-06-01');
    expect(seen.headers['authorization']).toBeUndefined();
    expect(JSON.parse(seen.body)).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 64,
      system: 'be brief',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hello' }] }],
    });
  });

  it('passes an Anthropic 400 through in OpenAI error shape, without failing over', async () => {
    const { anthropic, gemini, relay } = await claudeThenGemini(
      status(400, anthropicError('invalid_request_error', 'messages: text content blocks must be non-empty')),
      geminiJson('unused'),
    );

    const reply = await relay.chat(request);
    expect(reply.status).toBe(400);
    expect(reply.json()).toEqual({
      error: {
        message: 'messages: text content blocks must be non-empty',
        type: 'invalid_request_error',
        param: null,
        code: 'invalid_request_error',
      },
    });
    expect([anthropic.count, gemini.count]).toEqual([1, 0]);
  });

  it('fails over from an Anthropic 529 overloaded_error to Gemini generateContent', async () => {
    const { anthropic, gemini, relay } = await claudeThenGemini(
      status(529, anthropicError('overloaded_error', 'Overloaded')),
      geminiJson('hi from gemini', { prompt: 2_000, completion: 500 }),
    );

    const reply = await relay.chat(request);
    expect(reply.status).toBe(200);
    expect(reply.json()).toMatchObject({
      object: 'chat.completion',
      choices: [{ message: { role: 'assistant', content: 'hi from gemini' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 2_000, completion_tokens: 500, total_tokens: 2_500 },
    });
    // (2000 x $0.3 + 500 x $2.5) per million tokens
    expect(reply.header('x-relay-cost-usd')).toBe('0.00185000');
    expect(reply.header('x-relay-provider')).toBe('gemini');
    expect(reply.header('x-relay-attempts')).toBe('2');
    expect([anthropic.count, gemini.count]).toEqual([1, 1]);

    const seen = gemini.requests[0]!;
    expect(seen.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(seen.headers['x-goog-api-key']).toBe('gemini-test-key');
    expect(JSON.parse(seen.body)).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'hello' }] }],
      systemInstruction: { parts: [{ text: 'be brief' }] },
      generationConfig: { maxOutputTokens: 64 },
    });
  });

  it('streams from Anthropic: events translated to OpenAI chunks, usage chunk, [DONE]', async () => {
    const { anthropic, relay } = await claudeThenGemini(
      anthropicSse(['Hi', ' there'], { prompt: 12, completion: 2 }),
      geminiSse(['unused']),
    );

    const reply = await relay.stream({ ...request, stream: true, stream_options: { include_usage: true } });
    expect(reply.status).toBe(200);
    expect(reply.header('content-type')).toMatch(/^text\/event-stream/);
    expect(streamedText(reply.events)).toBe('Hi there');
    expect(reply.events.at(-1)).toBe('[DONE]');
    expect(JSON.parse(reply.events.at(-2)!)).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 12, completion_tokens: 2 },
    });
    expect(JSON.parse(anthropic.requests[0]!.body).stream).toBe(true);
  });

  it('fails over a stream from Anthropic 529 to Gemini streamGenerateContent?alt=sse', async () => {
    const { anthropic, gemini, relay } = await claudeThenGemini(
      status(529, anthropicError('overloaded_error', 'Overloaded')),
      geminiSse(['Bon', 'jour'], { prompt: 5, completion: 2 }),
    );

    const reply = await relay.stream({ ...request, stream: true, stream_options: { include_usage: true } });
    expect(reply.status).toBe(200);
    expect(reply.header('x-relay-provider')).toBe('gemini');
    expect(streamedText(reply.events)).toBe('Bonjour');
    expect(reply.events.at(-1)).toBe('[DONE]');
    expect(JSON.parse(reply.events.at(-2)!)).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 5, completion_tokens: 2 },
    });
    expect(reply.events.some((event) => event.includes('"error"'))).toBe(false);
    expect([anthropic.count, gemini.count]).toEqual([1, 1]);
    expect(gemini.requests[0]!.path).toBe('/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
  });
});
