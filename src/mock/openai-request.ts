/**
 * Parsing and validation of an OpenAI chat-completions request, as far as a mock needs it.
 * Errors carry the status and the OpenAI-shaped body to answer with.
 */
import { openAIErrorBody } from './http-io.js';

/** The fields of a chat-completions request the mock reads. */
export interface ChatRequest {
  readonly model: string | undefined;
  readonly messages: readonly unknown[];
  /** `max_completion_tokens` (current name) or `max_tokens` (legacy), whichever is set. */
  readonly maxTokens: number | undefined;
  readonly stream: boolean;
  readonly includeUsage: boolean;
}

export type ParsedChatRequest =
  | { readonly ok: true; readonly request: ChatRequest }
  | { readonly ok: false; readonly body: ReturnType<typeof openAIErrorBody> };

/** Parses a raw body; never throws. */
export function parseChatRequest(raw: Buffer): ParsedChatRequest {
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
  return {
    ok: true,
    request: {
      model,
      messages: body['messages'] as unknown[],
      maxTokens: typeof maxTokens === 'number' ? maxTokens : undefined,
      stream: body['stream'] === true,
      includeUsage: isObject(options) && options['include_usage'] === true,
    },
  };
}

/** Prompt tokens as `ceil(chars / 4)` over every text in the messages (at least 1). */
export function estimatePromptTokens(messages: readonly unknown[]): number {
  let chars = 0;
  for (const message of messages) {
    if (!isObject(message)) continue;
    const content = message['content'];
    if (typeof content === 'string') {
      chars += content.length;
    } else if (Array.isArray(content)) {
      // Content parts: `{ type: 'text', text }`; images and audio are not counted.
      for (const part of content) {
        if (isObject(part) && typeof part['text'] === 'string') chars += part['text'].length;
      }
    }
  }
  return Math.max(1, Math.ceil(chars / 4));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isPositiveInteger(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 1;
}

function invalid(message: string, code: string, param: string | null): ParsedChatRequest {
  return { ok: false, body: openAIErrorBody(message, code, 'invalid_request_error', param) };
}
