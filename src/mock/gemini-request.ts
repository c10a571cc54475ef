/**
 * Gemini routes and request parsing: `POST /v1beta/models/{model}:generateContent` and
 * `:streamGenerateContent` (served as SSE, as with `?alt=sse`), `GET /v1beta/models` (`/v1/` too).
 * Text counts from `systemInstruction` and every part of `contents`.
 */
import { tokensForChars } from './completion-plan.js';
import type { ParsedRequest, Route } from './dialect.js';
import { isObject } from './openai-request.js';

const GENERATE = /^\/v1(?:beta)?\/models\/([^/:]+):(generateContent|streamGenerateContent)$/;
const MODELS = /^\/v1(?:beta)?\/models$/;

/** Google's error envelope; `details` for RetryInfo and QuotaFailure. */
export function geminiErrorBody(
  code: number,
  status: string,
  message: string,
  details?: unknown[],
): Record<string, unknown> {
  return { error: { code, message, status, ...(details === undefined ? {} : { details }) } };
}

export function geminiRoute(method: string, path: string): Route | undefined {
  if (method === 'GET' && MODELS.test(path)) return { kind: 'models' };
  const match = method === 'POST' ? GENERATE.exec(path) : null;
  if (match === null) return undefined;
  let model = match[1]!;
  try {
    model = decodeURIComponent(model);
  } catch {
    // keep it raw: a model id is an opaque label to the mock
  }
  return { kind: 'completion', model, stream: match[2] === 'streamGenerateContent' };
}

/** Parses a raw body; never throws. */
export function parseGenerateRequest(raw: Buffer, route: Extract<Route, { kind: 'completion' }>): ParsedRequest {
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    return invalid('Invalid JSON payload received. Unexpected token.');
  }
  if (!isObject(body) || Array.isArray(body)) return invalid('Invalid JSON payload received. Expected an object.');
  const contents = body['contents'];
  if (!Array.isArray(contents) || contents.length === 0)
    return invalid('* GenerateContentRequest.contents: contents is not specified\n');
  const config = body['generationConfig'];
  const max = isObject(config) ? config['maxOutputTokens'] : undefined;
  if (max !== undefined && (!Number.isInteger(max) || (max as number) < 1)) {
    return invalid('* GenerateContentRequest.generation_config.max_output_tokens: must be a positive integer\n');
  }
  let chars = partsText(isObject(body['systemInstruction']) ? body['systemInstruction']['parts'] : undefined).length;
  let lastUser = '';
  let prefill: string | undefined;
  for (const content of contents) {
    if (!isObject(content)) continue;
    const text = partsText(content['parts']);
    chars += text.length;
    if (content['role'] === undefined || content['role'] === 'user') lastUser = text;
    prefill = content['role'] === 'model' && text !== '' ? text : undefined;
  }
  return {
    ok: true,
    request: {
      model: route.model,
      promptTokens: tokensForChars(chars),
      maxTokens: max as number | undefined,
      stream: route.stream === true,
      includeUsage: true,
      lastUserText: lastUser,
      prefill,
    },
  };
}

function partsText(parts: unknown): string {
  if (!Array.isArray(parts)) return '';
  let text = '';
  for (const part of parts) if (isObject(part) && typeof part['text'] === 'string') text += part['text'];
  return text;
}

function invalid(message: string): ParsedRequest {
  return { ok: false, status: 400, body: geminiErrorBody(400, 'INVALID_ARGUMENT', message) };
}
