/**
 * Parsing and validation of an OpenAI chat-completions request, as far as a mock needs it.
 * Errors carry the status and the OpenAI-shaped body to answer with.
 */
import { tokensForChars } from './completion-plan.js';
import type { ParsedRequest } from './dialect.js';
import { openAIErrorBody } from './http-io.js';

/**
 * Parses a raw body; never throws. The limit is `max_completion_tokens` (current name) or
 * `max_tokens` (legacy), whichever is set.
 */
export function parseChatRequest(raw: Buffer): ParsedRequest {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return invalid(`We could not parse the JSON body of your request: ${reason}`, 'invalid_json', null);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return invalid('The request body must be a JSON object.', 'invalid_type', null);
  }
  const body = json as Record<string, unknown>;
  if (!Array.isArray(body['messages'])) {
    return invalid("Missing required parameter: 'messages' (an array).", 'missing_required_parameter', 'messages');
  }
  const model = body['model'];
  if (model !== undefined && typeof model !== 'string') {
    return invalid("Invalid type for 'model': expected a string.", 'invalid_type', 'model');
  }
  const field = body['max_completion_tokens'] !== undefined ? 'max_completion_tokens' : 'max_tokens';
  const maxTokens = body[field];
  if (maxTokens !== undefined && maxTokens !== null && !isPositiveInteger(maxTokens)) {
    return invalid(`Invalid '${field}': expected an integer >= 1.`, 'invalid_value', field);
  }
  const options = body['stream_options'];
  const messages = body['messages'] as unknown[];
  return {
    ok: true,
    request: {
      model,
      promptTokens: estimatePromptTokens(messages),
      maxTokens: typeof maxTokens === 'number' ? maxTokens : undefined,
      stream: body['stream'] === true,
      includeUsage: isObject(options) && options['include_usage'] === true,
      lastUserText: lastUserText(messages),
      prefill: prefillOf(messages),
    },
  };
}

/** The text of a final assistant message (DeepSeek's `prefix: true`, vLLM's `continue_final_message`). */
function prefillOf(messages: readonly unknown[]): string | undefined {
  const last = messages[messages.length - 1];
  if (!isObject(last) || last['role'] !== 'assistant') return undefined;
  const text = textOf(last['content']);
  return text === '' ? undefined : text;
}

function lastUserText(messages: readonly unknown[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (isObject(message) && message['role'] === 'user') return textOf(message['content']);
  }
  return '';
}

/** Prompt tokens as `ceil(chars / 4)` over every text in the messages (at least 1). */
export function estimatePromptTokens(messages: readonly unknown[]): number {
  let chars = 0;
  for (const message of messages) if (isObject(message)) chars += textOf(message['content']).length;
  return tokensForChars(chars);
}

/** A string, or the text of content parts `{ type: 'text', text }` (images and audio are not counted). */
export function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let text = '';
  for (const part of content) if (isObject(part) && typeof part['text'] === 'string') text += part['text'];
  return text;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isPositiveInteger(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 1;
}

function invalid(message: string, code: string, param: string | null): ParsedRequest {
  return { ok: false, status: 400, body: openAIErrorBody(message, code, 'invalid_request_error', param) };
}
