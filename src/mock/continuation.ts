/**
 * Continuations (assistant prefill): a request whose conversation ends with an assistant turn
 * (Gemini: a `model` turn) with text asks the model to go on from that text, as Anthropic does
 * natively, DeepSeek with `prefix: true` and vLLM with `continue_final_message`. The mock answers
 * with the rest of the answer it plans for the conversation: the prefill counts as the answer's
 * first words, so a mock whose answers are seeded by the prompt (`answerSeed: 'prompt'`) continues
 * exactly the answer it would have given whole. The `prefill_unsupported` fault refuses such a
 * request with the dialect's 400 instead, as a model without prefill support does.
 */
import type { Random } from '../random.js';
import { COMPLETION_TOKENS, planCompletion, type Completion, type MockRequest } from './completion-plan.js';
import { anthropicErrorBody } from './anthropic-request.js';
import type { DialectName } from './dialect.js';
import { geminiErrorBody } from './gemini-request.js';
import { openAIErrorBody } from './http-io.js';

/**
 * The answer to `request`: planned whole, or, after a prefill of k words, the planned answer's
 * words from k on (at least one), the request's token limit counting only the new words.
 */
export function planAnswer(request: MockRequest, id: string, defaultModel: string, random: Random): Completion {
  const prefill = request.prefill;
  if (prefill === undefined) return planCompletion(request, id, defaultModel, random);
  const done = wordCount(prefill);
  const limit = Math.min(request.maxTokens ?? COMPLETION_TOKENS.defaultMax, COMPLETION_TOKENS.cap);
  const whole = planCompletion({ ...request, maxTokens: limit + done }, id, defaultModel, random);
  const words = whole.words.slice(Math.min(done, whole.words.length - 1));
  return { ...whole, words, completionTokens: words.length, continues: true };
}

/** Whitespace-separated words in `text`. */
export function wordCount(text: string): number {
  const trimmed = text.trim();
  return trimmed === '' ? 0 : trimmed.split(/\s+/).length;
}

/** A model without prefill support refusing a continuation, in the dialect's words. */
export function prefillRefusal(dialect: DialectName): { readonly status: number; readonly body: unknown } {
  switch (dialect) {
    case 'openai':
      return {
        status: 400,
        body: openAIErrorBody(
          'The last message must have role `user` or `tool`: assistant prefill is not supported by this model.',
          'invalid_value',
          'invalid_request_error',
          'messages',
        ),
      };
    case 'anthropic':
      return {
        status: 400,
        body: anthropicErrorBody(
          'invalid_request_error',
          'This model does not support assistant message prefill. The conversation must end with a user message.',
        ),
      };
    case 'gemini':
      return {
        status: 400,
        body: geminiErrorBody(
          400,
          'INVALID_ARGUMENT',
          'Please ensure that multiturn requests end with a user role or a function response.',
        ),
      };
    default: {
      const unreachable: never = dialect;
      return unreachable;
    }
  }
}
