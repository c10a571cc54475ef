/**
 * Builds the mock's answers in OpenAI's chat-completions shape: one plan per request (id, text,
 * usage), rendered either as a `chat.completion` object or as stream chunks.
 */
import { randomBytes } from 'node:crypto';
import type { Random } from '../random.js';
import { estimatePromptTokens, type ChatRequest } from './openai-request.js';

/** Completion length when the request sets no limit, and the hard cap on any limit. */
export const COMPLETION_TOKENS = Object.freeze({ defaultMax: 64, cap: 4096 });

const WORDS = ['the', 'relay', 'answers', 'quickly', 'while', 'a', 'provider', 'recovers', 'from', 'load'];

export interface Usage {
  readonly prompt_tokens: number;
  readonly completion_tokens: number;
  readonly total_tokens: number;
}

/** Everything that varies between answers, decided once so stream and non-stream agree. */
export interface CompletionPlan {
  readonly id: string;
  readonly created: number;
  readonly model: string;
  /** One word per completion token. */
  readonly words: readonly string[];
  readonly usage: Usage;
}

/**
 * Draws a completion of between half and all of the requested limit (bounded by
 * {@link COMPLETION_TOKENS}), using the provider's seeded random stream.
 */
export function planCompletion(request: ChatRequest, defaultModel: string, random: Random): CompletionPlan {
  const limit = Math.min(request.maxTokens ?? COMPLETION_TOKENS.defaultMax, COMPLETION_TOKENS.cap);
  const low = Math.ceil(limit / 2);
  const completionTokens = low + Math.floor(random() * (limit - low + 1));
  const words = new Array<string>(completionTokens);
  for (let i = 0; i < completionTokens; i++) words[i] = WORDS[Math.floor(random() * WORDS.length)]!;
  const promptTokens = estimatePromptTokens(request.messages);
  return {
    id: `chatcmpl-${randomBytes(12).toString('hex')}`,
    created: Math.floor(Date.now() / 1000),
    model: request.model ?? defaultModel,
    words,
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
    },
  };
}

/** The non-streaming `chat.completion` object. */
export function completionBody(plan: CompletionPlan): Record<string, unknown> {
  return {
    id: plan.id,
    object: 'chat.completion',
    created: plan.created,
    model: plan.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: plan.words.join(' '), refusal: null },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage: plan.usage,
    system_fingerprint: 'fp_relaybench_mock',
  };
}

/** The `GET /v1/models` list. */
export function modelListBody(models: readonly string[], ownedBy: string, created: number): Record<string, unknown> {
  return {
    object: 'list',
    data: models.map((id) => ({ id, object: 'model', created, owned_by: ownedBy })),
  };
}
