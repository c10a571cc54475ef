/** Continuation requests per dialect and prefill mode (dialects/prefill.ts), and their config. */
import { describe, expect, it } from 'vitest';
import { parseRelayConfig } from '../../../src/relay/config.js';
import type { ChatRequest } from '../../../src/relay/dialects/index.js';
import { continuationRequest, prefillModeOf } from '../../../src/relay/dialects/prefill.js';
import { DIALECTS } from '../../../src/relay/dialects/registry.js';
import type { DialectTarget } from '../../../src/relay/dialects/dialect.js';

const REQUEST: ChatRequest = {
  model: 'gpt',
  messages: [{ role: 'user', content: 'Tell a story.' }],
  stream: true,
  max_tokens: 100,
};

function target(dialect: DialectTarget['dialect']): DialectTarget {
  return { name: 't', dialect, model: 'm', origin: 'http://127.0.0.1:1', basePath: '/v1', search: '', headers: {} };
}

/** The upstream body the dialect sends for the continuation request. */
function wire(dialect: DialectTarget['dialect'], request: ChatRequest): Record<string, any> {
  return JSON.parse(DIALECTS[dialect].buildRequest(target(dialect), request, 'r1').body) as Record<string, any>;
}

describe('continuationRequest', () => {
  it('has per-dialect defaults: OpenAI-compatible none, Anthropic and Gemini assistant', () => {
    expect(prefillModeOf({ dialect: 'openai' })).toBe('none');
    expect(prefillModeOf({ dialect: 'anthropic' })).toBe('assistant');
    expect(prefillModeOf({ dialect: 'gemini' })).toBe('assistant');
    expect(prefillModeOf({ dialect: 'openai', prefill: 'prefix' })).toBe('prefix');
  });

  it('Anthropic: a final assistant turn without its trailing whitespace, reported as trimmed', () => {
    const { request, trimmed } = continuationRequest(REQUEST, 'Once upon a \n', 4, { dialect: 'anthropic' });
    expect(trimmed).toBe(' \n');
    const body = wire('anthropic', request);
    expect(body['messages'].at(-1)).toEqual({ role: 'assistant', content: [{ type: 'text', text: 'Once upon a' }] });
    expect(body['max_tokens']).toBe(96); // the client's limit bounds the whole answer
  });

  it('Gemini: a final model turn', () => {
    const { request, trimmed } = continuationRequest(REQUEST, 'Once upon ', 4, { dialect: 'gemini' });
    expect(trimmed).toBe('');
    expect(wire('gemini', request)['contents'].at(-1)).toEqual({ role: 'model', parts: [{ text: 'Once upon ' }] });
  });

  it('OpenAI-compatible: prefix (DeepSeek), continue_final_message (vLLM), or a bare assistant message', () => {
    const prefix = wire(
      'openai',
      continuationRequest(REQUEST, 'Once', 1, { dialect: 'openai', prefill: 'prefix' }).request,
    );
    expect(prefix['messages'].at(-1)).toEqual({ role: 'assistant', content: 'Once', prefix: true });
    const vllm = continuationRequest(REQUEST, 'Once', 1, { dialect: 'openai', prefill: 'continue_final_message' });
    expect(wire('openai', vllm.request)).toMatchObject({ continue_final_message: true, add_generation_prompt: false });
    const bare = wire(
      'openai',
      continuationRequest(REQUEST, 'Once', 1, { dialect: 'openai', prefill: 'assistant' }).request,
    );
    expect(bare['messages'].at(-1)).toEqual({ role: 'assistant', content: 'Once' });
    expect(bare['continue_final_message']).toBeUndefined();
  });

  it('keeps the limit at 1 or more, leaves an unset limit unset, and never mutates the request', () => {
    const frozen = structuredClone(REQUEST);
    expect(continuationRequest(REQUEST, 'x', 500, { dialect: 'anthropic' }).request.max_tokens).toBe(1);
    expect(REQUEST).toEqual(frozen);
    const unlimited = continuationRequest({ ...REQUEST, max_tokens: undefined }, 'x', 5, { dialect: 'openai' });
    expect(unlimited.request.max_tokens).toBeUndefined();
    const current = continuationRequest({ ...REQUEST, max_tokens: null, max_completion_tokens: 10 }, 'x', 4, {
      dialect: 'openai',
    });
    expect(current.request.max_completion_tokens).toBe(6);
  });

  it('sends no empty assistant turn when only whitespace was sent (Anthropic)', () => {
    const { request, trimmed } = continuationRequest(REQUEST, '  ', 1, { dialect: 'anthropic' });
    expect(request.messages).toHaveLength(1);
    expect(trimmed).toBe('  ');
  });
});

describe('continuation config', () => {
  const providers = [
    { name: 'a', dialect: 'anthropic', baseUrl: 'http://127.0.0.1:1/v1' },
    { name: 'o', dialect: 'openai', baseUrl: 'http://127.0.0.1:2/v1', prefill: 'prefix' },
  ];
  const models = { m: { chain: [{ provider: 'a', model: 'x' }] } };

  it('defaults continueOnCut off, takes it per alias, and a prefill per provider', () => {
    const config = parseRelayConfig({
      providers,
      models: { ...models, n: { chain: models.m.chain, continueOnCut: true } },
    });
    expect(config.policies.streams.continueOnCut).toBe(false);
    expect(config.models['n']?.continueOnCut).toBe(true);
    expect(config.models['m']?.continueOnCut).toBeUndefined();
    expect(config.providers.map((p) => p.prefill)).toEqual([undefined, 'prefix']);
  });

  it('refuses an OpenAI-only prefill mode on another dialect, naming the field', () => {
    expect(() => parseRelayConfig({ providers: [{ ...providers[0], prefill: 'prefix' }], models })).toThrow(
      /providers\[0\]\.prefill.*'prefix' is an OpenAI-compatible extension; a anthropic provider takes none or assistant/s,
    );
    expect(() => parseRelayConfig({ providers: [{ ...providers[0], prefill: 'always' }], models })).toThrow(/prefill/);
  });
});
