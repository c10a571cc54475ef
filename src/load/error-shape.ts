/**
 * Whether an error a gateway returned has OpenAI's shape, the one OpenAI SDKs parse:
 * `{"error": {"message": "...", "type": "...", "code": ... }}` (code a string, a number or null).
 * A JSON error body is checked whole; a stream's error event by its `data`. An error in another
 * shape (a plain-text 502, a provider's own body passed through) leaves SDK users with a parse
 * failure instead of a reason, so the scorecard does not count it as a clean error.
 */

/** `openai`: OpenAI's error shape; `other`: anything else (not JSON, another shape). */
export type ErrorShape = 'openai' | 'other';

/** The shape of a parsed error value: a JSON body, or a stream event's data. */
export function errorShapeOfValue(value: unknown): ErrorShape {
  const error = (value as { error?: unknown } | null)?.error;
  if (typeof error !== 'object' || error === null || Array.isArray(error)) return 'other';
  const { message, type, code } = error as Record<string, unknown>;
  const codeOk = code === null || typeof code === 'string' || typeof code === 'number';
  return typeof message === 'string' && typeof type === 'string' && 'code' in error && codeOk ? 'openai' : 'other';
}

/** The shape of an error answer's body text. */
export function errorShapeOfText(text: string): ErrorShape {
  return errorOfText(text).shape;
}

/** An error's code: `error.code` (a string or number), else `error.type`; undefined when it has neither. */
export function errorCodeOfValue(value: unknown): string | undefined {
  const error = (value as { error?: unknown } | null)?.error;
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, type } = error as Record<string, unknown>;
  if (typeof code === 'string' || typeof code === 'number') return String(code);
  return typeof type === 'string' ? type : undefined;
}

/** The shape and code of an error answer's body text, parsed once. */
export function errorOfText(text: string): { shape: ErrorShape; code: string | undefined } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { shape: 'other', code: undefined };
  }
  return { shape: errorShapeOfValue(value), code: errorCodeOfValue(value) };
}
