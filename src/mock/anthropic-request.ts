/**
 * Parsing of an Anthropic Messages request (`POST /v1/messages`) as far as a mock needs it:
 * `model`, `max_tokens` and `messages` are required, as Anthropic requires them; text counts
 * from `system` and every text or tool-result block.
 */
import { tokensForChars } from './completion-plan.js';
import type { ParsedRequest } from './dialect.js';
import { isObject } from './openai-request.js';

/** Anthropic's error envelope. */
export function anthropicErrorBody(type: string, message: string): Record<string, unknown> {
  return { type: 'error', error: { type, message } };
}

/** Parses a raw body; never throws. */
export function parseMessagesRequest(raw: Buffer): ParsedRequest {
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    return invalid('There was an issue with your request body: invalid JSON.');
  }
  if (!isObject(body) || Array.isArray(body)) return invalid('Request body must be a JSON object.');
  if (typeof body['model'] !== 'string' || body['model'] === '') return invalid('model: Field required');
  const maxTokens = body['max_tokens'];
  if (maxTokens === undefined) return invalid('max_tokens: Field required');
  if (!Number.isInteger(maxTokens) || (maxTokens as number) < 1)
    return invalid('max_tokens: Input should be greater than or equal to 1');
  const messages = body['messages'];
  if (!Array.isArray(messages)) return invalid('messages: Field required');
  if (messages.length === 0) return invalid('messages: at least one message is required');
  let chars = textOf(body['system']).length;
  let lastUser = '';
  let prefill: string | undefined;
  for (const message of messages) {
    if (!isObject(message)) continue;
    const text = textOf(message['content']);
    chars += text.length;
    if (message['role'] === 'user') lastUser = text;
    prefill = message['role'] === 'assistant' && text !== '' ? text : undefined;
  }
  // Anthropic's own rule for a prefill (a final assistant turn).
  if (prefill !== undefined && /\s$/.test(prefill))
    return invalid('messages: final assistant content cannot end with trailing whitespace');
  return {
    ok: true,
    request: {
      model: body['model'],
      promptTokens: tokensForChars(chars),
      maxTokens: maxTokens as number,
      stream: body['stream'] === true,
      includeUsage: true,
      lastUserText: lastUser,
      prefill,
    },
  };
}

/** A string, or the text of `text` blocks and of `tool_result` blocks' content. */
function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let text = '';
  for (const block of content) {
    if (!isObject(block)) continue;
    if (typeof block['text'] === 'string') text += block['text'];
    else if (block['type'] === 'tool_result') text += textOf(block['content']);
  }
  return text;
}

function invalid(message: string): ParsedRequest {
  return { ok: false, status: 400, body: anthropicErrorBody('invalid_request_error', message) };
}
