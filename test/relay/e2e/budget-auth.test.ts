/**
 * Acceptance 10: client keys (stored as sha256 of the token) and per-key USD budgets. A spent
 * `reject` key gets 429 + Retry-After; a spent `downgrade` key is served from its cheaper alias.
 * Missing, unknown or malformed credentials get 401 and never reach an upstream.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { hashToken } from '../../../src/relay/front-door/auth.js';
import { chatBody, closeAll, openaiAny, startTestRelay, startUpstream } from './support.js';

afterEach(closeAll);

const TOKENS = { reject: 'reject-token', downgrade: 'downgrade-token', free: 'free-token' } as const;
const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

async function budgetRelay() {
  // 10 + 5 tokens at $1000 per million: $0.015 per premium answer, over every tiny budget.
  const [premium, cheap] = await Promise.all([
    startUpstream(openaiAny('premium answer', { prompt: 10, completion: 5 })),
    startUpstream(openaiAny('cheap answer', { prompt: 10, completion: 5 })),
  ]);
  const relay = await startTestRelay({
    auth: {
      keys: [
        {
          id: 'rejecter',
          sha256: hashToken(TOKENS.reject),
          budgetUsd: 0.001,
          budgetPeriod: 'day',
          onBudgetExhausted: 'reject',
        },
        {
          id: 'downgrader',
          sha256: hashToken(TOKENS.downgrade),
          budgetUsd: 0.001,
          budgetPeriod: 'month',
          onBudgetExhausted: 'downgrade',
          downgradeTo: 'cheap',
        },
        { id: 'free', sha256: hashToken(TOKENS.free) },
      ],
    },
    providers: [
      { name: 'premium', dialect: 'openai', baseUrl: `${premium.origin}/v1` },
      { name: 'cheap', dialect: 'openai', baseUrl: `${cheap.origin}/v1` },
    ],
    models: {
      gpt: { chain: [{ provider: 'premium', model: 'premium-model', price: { input: 1_000, output: 1_000 } }] },
      cheap: { chain: [{ provider: 'cheap', model: 'cheap-model', price: { input: 0.1, output: 0.1 } }] },
    },
  });
  return { premium, cheap, relay };
}

describe('budgets', () => {
  it('rejects a spent key with 429 + Retry-After, other keys unaffected', async () => {
    const { premium, relay } = await budgetRelay();

    const paid = await relay.chat(chatBody('gpt'), bearer(TOKENS.reject));
    expect(paid.status).toBe(200);
    expect(paid.header('x-relay-cost-usd')).toBe('0.01500000');

    const refused = await relay.chat(chatBody('gpt'), bearer(TOKENS.reject));
    expect(refused.status).toBe(429);
    expect(refused.json().error).toMatchObject({ type: 'insufficient_quota', code: 'budget_exhausted' });
    expect(refused.json().error.message).toMatch(/budget of key 'rejecter' exhausted: spent \$0\.0150 of \$0\.001/);
    const retryAfter = Number(refused.header('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(86_400); // until the next UTC day
    expect(premium.count).toBe(1);

    expect((await relay.chat(chatBody('gpt'), bearer(TOKENS.free))).status).toBe(200);
    expect(premium.count).toBe(2);
    expect((await relay.get('/metrics')).text).toContain('relay_refused_total{reason="budget"} 1');
  });

  it("refuses requests beyond a key's requestsPerMinute with 429 + Retry-After, before any upstream call", async () => {
    const upstream = await startUpstream(openaiAny('answer', { prompt: 1, completion: 1 }));
    const relay = await startTestRelay({
      auth: {
        keys: [
          { id: 'slow', sha256: hashToken('slow-token'), requestsPerMinute: 2 },
          { id: 'other', sha256: hashToken('other-token') },
        ],
      },
      providers: [{ name: 'p', dialect: 'openai', baseUrl: `${upstream.origin}/v1` }],
      models: { gpt: { chain: [{ provider: 'p', model: 'm' }] } },
    });
    expect((await relay.chat(chatBody('gpt'), bearer('slow-token'))).status).toBe(200);
    expect((await relay.chat(chatBody('gpt'), bearer('slow-token'))).status).toBe(200);
    const refused = await relay.chat(chatBody('gpt'), bearer('slow-token'));
    expect(refused.status).toBe(429);
    expect(refused.json().error).toMatchObject({ type: 'rate_limit_exceeded', code: 'rate_limit_exceeded' });
    expect(Number(refused.header('retry-after'))).toBeGreaterThanOrEqual(25); // a token every 30 s
    expect(upstream.count).toBe(2);
    expect((await relay.chat(chatBody('gpt'), bearer('other-token'))).status).toBe(200);
  });

  it('charges streams too, from the usage the upstream reported at the end', async () => {
    const { premium, relay } = await budgetRelay();

    const streamed = await relay.stream(chatBody('gpt', { stream: true }), bearer(TOKENS.reject));
    expect([streamed.status, streamed.events.at(-1)]).toEqual([200, '[DONE]']);
    // The client did not ask for usage: the relay asked upstream anyway, to charge it, and kept it to itself.
    expect(JSON.parse(premium.requests[0]!.body).stream_options).toEqual({ include_usage: true });
    expect(streamed.events.some((event) => event.includes('"usage"'))).toBe(false);

    const refused = await relay.stream(chatBody('gpt', { stream: true }), bearer(TOKENS.reject));
    expect(refused.status).toBe(429);
    expect(premium.count).toBe(1);
    expect((await relay.get('/metrics')).text).toMatch(/^relay_cost_usd_total\{model="gpt"\} 0\.015$/m);
  });

  it('serves a spent downgrade key from its downgradeTo alias', async () => {
    const { premium, cheap, relay } = await budgetRelay();

    const first = await relay.chat(chatBody('gpt'), bearer(TOKENS.downgrade));
    expect(first.header('x-relay-provider')).toBe('premium');
    for (let i = 0; i < 2; i++) {
      const downgraded = await relay.chat(chatBody('gpt'), bearer(TOKENS.downgrade));
      expect(downgraded.status).toBe(200);
      expect(downgraded.header('x-relay-provider')).toBe('cheap');
      expect(downgraded.json().choices[0].message.content).toBe('cheap answer');
    }
    expect([premium.count, cheap.count]).toEqual([1, 2]);
    expect(JSON.parse(cheap.requests[0]!.body).model).toBe('cheap-model');
  });
});

describe('auth', () => {
  const refusals: Array<[string, Record<string, string>]> = [
    ['no Authorization header', {}],
    ['an unknown token', { authorization: 'Bearer not-a-key' }],
    ['the stored sha256 presented as the token', { authorization: `Bearer ${hashToken(TOKENS.free)}` }],
    ['another scheme', { authorization: `Basic ${Buffer.from(`x:${TOKENS.free}`).toString('base64')}` }],
    ['an empty bearer', { authorization: 'Bearer ' }],
  ];

  it.each(refusals)('answers 401 for %s', async (_name, headers) => {
    const { premium, relay } = await budgetRelay();

    const reply = await relay.chat(chatBody('gpt'), { headers: { ...headers, 'x-request-id': 'rid-401' } });
    expect(reply.status).toBe(401);
    expect(reply.json().error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_api_key' });
    expect(reply.header('x-request-id')).toBe('rid-401');
    expect(premium.count).toBe(0);
  });

  it('accepts a configured token (scheme case-insensitive) and never forwards it upstream', async () => {
    const { premium, relay } = await budgetRelay();

    const reply = await relay.chat(chatBody('gpt'), { headers: { authorization: `bearer ${TOKENS.free}` } });
    expect(reply.status).toBe(200);
    expect(premium.count).toBe(1);
    expect(JSON.stringify(premium.requests[0]!.headers)).not.toContain(TOKENS.free);
    expect((await relay.get('/metrics')).text).not.toContain('relay_refused_total{reason="auth"}');
  });
});
