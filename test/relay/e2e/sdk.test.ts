/**
 * Acceptance 1: the official `openai` SDK, pointed at the relay, completes JSON and streaming
 * requests, and its typed errors carry the relay's statuses.
 */
import { APIError, AuthenticationError, InternalServerError, NotFoundError, RateLimitError } from 'openai';
import type { CompletionUsage } from 'openai/resources/completions';
import { afterEach, describe, expect, it } from 'vitest';
import { hashToken } from '../../../src/relay/front-door/auth.js';
import {
  closeAll,
  openaiError,
  openaiJson,
  openaiSse,
  startTestRelay,
  startUpstream,
  status,
  type Upstream,
} from './support.js';

afterEach(closeAll);

const TOKEN = 'sdk-client-token';

/** One OpenAI-dialect provider serving alias `gpt` (model `up-model`), priced so budgets count. */
function config(upstream: Upstream, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    providers: [
      {
        name: 'up',
        dialect: 'openai',
        baseUrl: `${upstream.origin}/v1`,
        attemptTimeoutMs: 5_000,
        ttfbTimeoutMs: 5_000,
      },
    ],
    models: { gpt: { chain: [{ provider: 'up', model: 'up-model', price: { input: 1_000, output: 1_000 } }] } },
    ...extra,
  };
}

describe('the official openai SDK through the relay', () => {
  it('completes a JSON chat request', async () => {
    const upstream = await startUpstream(openaiJson('hello from upstream', { prompt: 7, completion: 3 }));
    const relay = await startTestRelay(config(upstream));

    const { data, response } = await relay
      .sdk()
      .chat.completions.create({ model: 'gpt', messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();

    expect(data.choices[0]?.message.content).toBe('hello from upstream');
    expect(data.usage).toMatchObject({ prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 });
    expect(response.headers.get('x-relay-provider')).toBe('up');
    expect(response.headers.get('x-relay-attempts')).toBe('1');
    // 7 + 3 tokens at $1000 per million.
    expect(Number(response.headers.get('x-relay-cost-usd'))).toBeCloseTo(0.01, 8);
    expect(upstream.count).toBe(1);
    expect(upstream.requests[0]?.path).toBe('/v1/chat/completions');
    expect(JSON.parse(upstream.requests[0]!.body)).toMatchObject({
      model: 'up-model',
      messages: [{ role: 'user', content: 'hi' }],
    });
  });

  it('streams: chunks assemble the content and the usage chunk arrives with include_usage', async () => {
    const upstream = await startUpstream(
      openaiSse(['Hel', 'lo', ' world'], { usage: { prompt: 4, completion: 3 }, gapMs: 10 }),
    );
    const relay = await startTestRelay(config(upstream));

    const stream = await relay.sdk().chat.completions.create({
      model: 'gpt',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let content = '';
    let chunks = 0;
    let usage: CompletionUsage | null | undefined;
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      chunks++;
      content += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }

    expect(content).toBe('Hello world');
    expect(finish).toBe('stop');
    expect(usage).toMatchObject({ prompt_tokens: 4, completion_tokens: 3, total_tokens: 7 });
    expect(chunks).toBe(6); // role, three pieces, finish, usage
    expect(JSON.parse(upstream.requests[0]!.body)).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it('NotFoundError (404) for a model the relay does not serve', async () => {
    const upstream = await startUpstream(openaiJson('unused'));
    const relay = await startTestRelay(config(upstream));

    const error = await relay
      .sdk()
      .chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as APIError).status).toBe(404);
    expect((error as APIError).code).toBe('model_not_found');
    expect(upstream.count).toBe(0);
  });

  it('AuthenticationError (401) for an unknown key when auth is on; the right key works', async () => {
    const upstream = await startUpstream(openaiJson('authorised'));
    const relay = await startTestRelay(config(upstream, { auth: { keys: [{ id: 'sdk', sha256: hashToken(TOKEN) }] } }));

    const error = await relay
      .sdk('wrong-token')
      .chat.completions.create({ model: 'gpt', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as APIError).status).toBe(401);
    expect(upstream.count).toBe(0);

    const ok = await relay
      .sdk(TOKEN)
      .chat.completions.create({ model: 'gpt', messages: [{ role: 'user', content: 'hi' }] });
    expect(ok.choices[0]?.message.content).toBe('authorised');
    expect(upstream.count).toBe(1);
    expect(upstream.requests[0]?.headers['authorization']).toBeUndefined(); // the client's token stays at the relay
  });

  it('RateLimitError (429) with Retry-After once the key budget is spent', async () => {
    const upstream = await startUpstream(openaiJson('paid', { prompt: 100, completion: 100 }));
    const keys = [
      { id: 'sdk', sha256: hashToken(TOKEN), budgetUsd: 0.0001, budgetPeriod: 'day', onBudgetExhausted: 'reject' },
    ];
    const relay = await startTestRelay(config(upstream, { auth: { keys } }));
    const sdk = relay.sdk(TOKEN);

    await sdk.chat.completions.create({ model: 'gpt', messages: [{ role: 'user', content: 'hi' }] }); // costs $0.2
    const error = await sdk.chat.completions
      .create({ model: 'gpt', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    const apiError = error as APIError;
    expect(apiError.status).toBe(429);
    expect(apiError.code).toBe('budget_exhausted');
    const retryAfter = Number(apiError.headers?.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(86_400);
    expect(upstream.count).toBe(1);
  });

  it('InternalServerError (503) when every target fails', async () => {
    const upstream = await startUpstream(status(500, openaiError('boom')));
    const relay = await startTestRelay(config(upstream));

    const error = await relay
      .sdk()
      .chat.completions.create({ model: 'gpt', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InternalServerError);
    const apiError = error as APIError;
    expect(apiError.status).toBe(503);
    expect(apiError.code).toBe('all_targets_failed');
    expect(apiError.headers?.get('retry-after')).toBe('1');
    // maxRetries: 0 on the SDK; one round at the relay, plus its one same-target retry (retry.sameTarget: 1)
    expect(upstream.count).toBe(2);
  });
});
