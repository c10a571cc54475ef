/**
 * Classifies what the load client saw into a record outcome. Success is a 2xx carrying a
 * well-formed chat completion; everything else is a failure of a named kind.
 */
import type { FailureKind, TokenUsage } from '../metrics/record.js';

/**
 * Parses a JSON completion once: whether it is well formed (a 2xx is a success only if it holds
 * at least one choice with a message) and its usage if reported.
 */
export function parseCompletion(body: string): { wellFormed: boolean; usage: TokenUsage | undefined } {
  try {
    const parsed = JSON.parse(body) as { choices?: Array<{ message?: { content?: unknown } }>; usage?: unknown } | null;
    const first = parsed?.choices?.[0];
    const wellFormed =
      first?.message !== undefined && first.message !== null && typeof first.message.content === 'string';
    return { wellFormed, usage: usageOf(parsed?.usage) };
  } catch {
    return { wellFormed: false, usage: undefined };
  }
}

/** OpenAI-style `usage` ({ prompt_tokens, completion_tokens }) as a TokenUsage, if present. */
export function usageOf(usage: unknown): TokenUsage | undefined {
  if (typeof usage !== 'object' || usage === null) return undefined;
  const { prompt_tokens: prompt, completion_tokens: completion } = usage as {
    prompt_tokens?: unknown;
    completion_tokens?: unknown;
  };
  return typeof prompt === 'number' && typeof completion === 'number' ? { prompt, completion } : undefined;
}

const RESET_CODES = new Set(['ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE', 'UND_ERR_CLOSED']);
const CONNECT_CODES = new Set(['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

/** Maps a thrown client error to a failure kind. `timedOut` says our deadline fired. */
export function classifyClientError(error: unknown, timedOut: boolean): FailureKind {
  if (timedOut) return 'timeout';
  const code = errorCode(error);
  if (code && RESET_CODES.has(code)) return 'reset';
  if (code && CONNECT_CODES.has(code)) return 'connect';
  return 'other';
}

function errorCode(error: unknown): string | undefined {
  for (
    let current = error as { code?: unknown; cause?: unknown } | undefined, depth = 0;
    current && depth < 5;
    depth++
  ) {
    if (typeof current.code === 'string') return current.code;
    current = current.cause as typeof current;
  }
  return undefined;
}
