/**
 * Building blocks of OpenAI's wire shapes, shared by the adapters that translate other dialects:
 * chunks, usage, error bodies, and the non-2xx path every adapter has in common.
 */
import { classify } from '../classify.js';
import type { DialectName, NormalizedUsage, UpstreamHeaders } from '../contract.js';
import { upstreamErrorOf } from '../upstream-error.js';
import type { DialectOutcome } from './dialect.js';

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | null;

/** `usage` of a chat.completion. */
export function openAIUsage(usage: NormalizedUsage): Record<string, number> {
  return {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.promptTokens + usage.completionTokens,
  };
}

/** One `chat.completion.chunk` with a single choice. */
export function chunkJson(id: string, created: number, model: string, delta: object, finish: FinishReason): string {
  return JSON.stringify({
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  });
}

/** The trailing usage chunk (`stream_options.include_usage`): no choices. */
/** A whole OpenAI chat.completion, as the Anthropic and Gemini adapters translate their answers into. */
export function completionJson(answer: {
  id: string;
  created: number;
  model: string;
  text: string;
  toolCalls: readonly object[];
  finish: FinishReason;
  usage: NormalizedUsage | undefined;
}): string {
  const { toolCalls, text, usage } = answer;
  return JSON.stringify({
    id: answer.id,
    object: 'chat.completion',
    created: answer.created,
    model: answer.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: text === '' && toolCalls.length > 0 ? null : text,
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
          refusal: null,
        },
        logprobs: null,
        finish_reason: answer.finish,
      },
    ],
    ...(usage === undefined ? {} : { usage: openAIUsage(usage) }),
  });
}

export function usageChunkJson(id: string, created: number, model: string, usage: NormalizedUsage): string {
  return JSON.stringify({
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    choices: [],
    usage: openAIUsage(usage),
  });
}

/** `{ error: { message, type, param, code } }`. */
export function openAIErrorJson(
  message: string,
  type: string,
  code: string | null,
  param: string | null = null,
): string {
  return JSON.stringify({ error: { message, type, param, code } });
}

/** OpenAI's error `type` for a status. */
export function errorTypeFor(status: number | undefined): string {
  switch (status) {
    case 400:
    case 413:
    case 422:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 402:
      return 'insufficient_quota';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 429:
      return 'rate_limit_error';
    default:
      return status !== undefined && status >= 500 ? 'server_error' : 'upstream_error';
  }
}

/** The parsed JSON, or the raw text when it does not parse (the classifier calls that malformed). */
export function parseJsonOrText(body: Buffer): unknown {
  const text = body.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * A non-2xx answer (or a 2xx error body) as a failed outcome: classified from status and body,
 * the body translated to OpenAI's error shape. OpenAI-shaped bodies pass through byte for byte.
 */
export function failureOutcome(
  dialect: DialectName,
  status: number,
  headers: UpstreamHeaders,
  raw: Buffer,
  parsed: unknown = parseJsonOrText(raw),
): DialectOutcome {
  const verdict = classify({ status, body: parsed, dialect });
  return { verdict, status, headers, body: translateError(dialect, status, raw, parsed) };
}

/** An error body (HTTP or in-band) in OpenAI's shape. */
export function translateError(
  dialect: DialectName,
  status: number | undefined,
  raw: Buffer | undefined,
  parsed: unknown,
): Buffer {
  const info = upstreamErrorOf(parsed);
  if (dialect === 'openai' && raw !== undefined && info !== undefined && !Array.isArray(parsed)) return raw;
  const effective = info?.status ?? (status !== undefined && status >= 400 ? status : undefined);
  const message =
    info?.message ??
    (typeof parsed === 'string' && parsed !== ''
      ? `upstream answered HTTP ${status}: ${parsed.slice(0, 200)}`
      : `upstream answered HTTP ${status}`);
  return Buffer.from(
    openAIErrorJson(message, info?.quota ? 'insufficient_quota' : errorTypeFor(effective), info?.type ?? null),
  );
}
