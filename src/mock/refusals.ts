/**
 * Refusals of one request by one provider, in each dialect's own words (as the providers send
 * them): a prompt longer than the model's context window, a model that does not exist or was
 * retired, and a content-policy refusal. Gemini refuses a prompt on policy grounds with a 200
 * whose `promptFeedback` has a `blockReason` and no candidates, not with an error status.
 */
import { anthropicErrorBody } from './anthropic-request.js';
import type { DialectName } from './dialect.js';
import { geminiErrorBody } from './gemini-request.js';
import { openAIErrorBody } from './http-io.js';

export const REFUSAL_KINDS = ['context_length', 'content_filter', 'model_not_found'] as const;
export type RefusalKind = (typeof REFUSAL_KINDS)[number];

/** A refusal's status and body. */
export interface Refusal {
  readonly status: number;
  readonly body: unknown;
}

/** The context window the refusals quote, and the prompt size they claim. */
const WINDOW = 128_000;
const PROMPT = 131_072;

/** `kind` as provider `dialect` words it, for a request for `model`. */
export function refusalOf(dialect: DialectName, kind: RefusalKind, model: string): Refusal {
  switch (dialect) {
    case 'openai':
      return openAIRefusal(kind, model);
    case 'anthropic':
      return anthropicRefusal(kind, model);
    case 'gemini':
      return geminiRefusal(kind, model);
    default: {
      const unreachable: never = dialect;
      return unreachable;
    }
  }
}

function openAIRefusal(kind: RefusalKind, model: string): Refusal {
  switch (kind) {
    case 'context_length': {
      const message = `This model's maximum context length is ${WINDOW} tokens. However, your messages resulted in ${PROMPT} tokens. Please reduce the length of the messages.`;
      return { status: 400, body: openAIErrorBody(message, 'context_length_exceeded', undefined, 'messages') };
    }
    case 'content_filter': {
      // Azure OpenAI's shape: OpenAI-compatible providers that filter prompts answer so.
      const message =
        "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry.";
      return { status: 400, body: openAIErrorBody(message, 'content_filter', undefined, 'prompt') };
    }
    case 'model_not_found': {
      const message = `The model \`${model}\` does not exist or you do not have access to it.`;
      return { status: 404, body: openAIErrorBody(message, 'model_not_found') };
    }
  }
}

function anthropicRefusal(kind: RefusalKind, model: string): Refusal {
  switch (kind) {
    case 'context_length':
      return {
        status: 400,
        body: anthropicErrorBody('invalid_request_error', `prompt is too long: ${PROMPT} tokens > ${WINDOW} maximum`),
      };
    case 'content_filter':
      return {
        status: 400,
        body: anthropicErrorBody('invalid_request_error', 'Output blocked by content filtering policy'),
      };
    case 'model_not_found':
      return { status: 404, body: anthropicErrorBody('not_found_error', `model: ${model}`) };
  }
}

function geminiRefusal(kind: RefusalKind, model: string): Refusal {
  switch (kind) {
    case 'context_length': {
      const message = `The input token count (${PROMPT}) exceeds the maximum number of tokens allowed (${WINDOW}).`;
      return { status: 400, body: geminiErrorBody(400, 'INVALID_ARGUMENT', message, undefined) };
    }
    case 'content_filter':
      return {
        status: 200,
        body: {
          promptFeedback: {
            blockReason: 'SAFETY',
            safetyRatings: [{ category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'HIGH', blocked: true }],
          },
          usageMetadata: { promptTokenCount: 8, totalTokenCount: 8 },
          modelVersion: model,
        },
      };
    case 'model_not_found': {
      const message = `models/${model} is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.`;
      return { status: 404, body: geminiErrorBody(404, 'NOT_FOUND', message, undefined) };
    }
  }
}
