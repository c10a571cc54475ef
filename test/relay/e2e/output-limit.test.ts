/**
 * Validation against the config: a request asking for more output tokens than its chain's models
 * declare (`maxOutputTokens` on every chain entry) is refused with 400 naming the field, before
 * any upstream is called; within the limit, or on a chain with an undeclared entry, it is served.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { chatBody, closeAll, openaiJson, startTestRelay, startUpstream } from './support.js';

afterEach(closeAll);

async function relayWithLimits() {
  const upstream = await startUpstream(openaiJson('ok'));
  const relay = await startTestRelay({
    providers: [{ name: 'up', dialect: 'openai', baseUrl: `${upstream.origin}/v1` }],
    models: {
      small: {
        chain: [
          { provider: 'up', model: 'a', maxOutputTokens: 4096 },
          { provider: 'up', model: 'b', maxOutputTokens: 8192 },
        ],
      },
      open: {
        chain: [
          { provider: 'up', model: 'a', maxOutputTokens: 4096 },
          { provider: 'up', model: 'c' },
        ],
      },
    },
  });
  return { upstream, relay };
}

describe('max_tokens against maxOutputTokens', () => {
  it.each([
    ['max_tokens', { max_tokens: 8193 }, "max_tokens must be at most 8192 for model 'small' (got 8193)"],
    [
      'max_completion_tokens',
      { max_completion_tokens: 100_000 },
      "max_completion_tokens must be at most 8192 for model 'small' (got 100000)",
    ],
  ])(
    'refuses %s over the chain limit with 400 naming the field, calling no upstream',
    async (field, extra, message) => {
      const { upstream, relay } = await relayWithLimits();
      const reply = await relay.chat(chatBody('small', extra));
      expect(reply.status).toBe(400);
      expect(reply.json().error).toEqual({
        message,
        type: 'invalid_request_error',
        param: field,
        code: 'invalid_request',
      });
      expect(upstream.count).toBe(0);
    },
  );

  it('serves a request within the largest limit, and any request on a chain with an undeclared entry', async () => {
    const { upstream, relay } = await relayWithLimits();
    expect((await relay.chat(chatBody('small', { max_tokens: 8192 }))).status).toBe(200);
    expect((await relay.chat(chatBody('open', { max_tokens: 1_000_000 }))).status).toBe(200);
    expect(upstream.count).toBe(2);
  });

  it('refuses a non-positive maxOutputTokens in the config, naming the field', async () => {
    await expect(
      startTestRelay({
        providers: [{ name: 'up', dialect: 'openai', baseUrl: 'http://127.0.0.1:9/v1' }],
        models: { m: { chain: [{ provider: 'up', model: 'a', maxOutputTokens: 0 }] } },
      }),
    ).rejects.toThrow(/models\.m\.chain\[0\]\.maxOutputTokens/);
  });
});
