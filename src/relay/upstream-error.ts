/**
 * Reads a provider's error body, whatever the dialect: OpenAI `{ error: { message, type, code } }`,
 * Anthropic `{ type: 'error', error: { type, message } }`, Gemini `{ error: { code, message, status } }`
 * (sometimes wrapped in an array). The classifier and the error translation both read it here.
 * Only the error path calls this, so it may allocate.
 */

/** What an error body says, normalised. */
export interface UpstreamErrorInfo {
  /** The HTTP status the error type stands for (for in-band errors, which have none). */
  readonly status: number | undefined;
  /** The provider's error type or status name, e.g. `overloaded_error`, `RESOURCE_EXHAUSTED`. */
  readonly type: string | undefined;
  readonly message: string | undefined;
  /** OpenAI's precise `code` (`context_length_exceeded`, `content_filter`...) when it sent one. */
  readonly code: string | undefined;
  /** Out of credit or quota: another provider may serve, this one will not for a long while. */
  readonly quota: boolean;
  /** Our credentials were refused, whatever the status says (Gemini: 400 `API_KEY_INVALID`). */
  readonly auth: boolean;
}

/** Error type names (all three dialects) and the status each stands for. */
const TYPE_STATUS: ReadonlyMap<string, number> = new Map([
  // Anthropic
  ['invalid_request_error', 400],
  ['authentication_error', 401],
  ['billing_error', 402],
  ['permission_error', 403],
  ['not_found_error', 404],
  ['request_too_large', 413],
  ['rate_limit_error', 429],
  ['api_error', 500],
  ['timeout_error', 504],
  ['overloaded_error', 529],
  // OpenAI (type or code)
  ['invalid_api_key', 401],
  ['insufficient_quota', 429],
  ['rate_limit_exceeded', 429],
  ['requests', 429],
  ['tokens', 429],
  ['server_error', 500],
  // Gemini (google.rpc.Code names)
  ['INVALID_ARGUMENT', 400],
  ['FAILED_PRECONDITION', 400],
  ['OUT_OF_RANGE', 400],
  ['UNAUTHENTICATED', 401],
  ['PERMISSION_DENIED', 403],
  ['NOT_FOUND', 404],
  ['RESOURCE_EXHAUSTED', 429],
  ['CANCELLED', 499],
  ['INTERNAL', 500],
  ['UNKNOWN', 500],
  ['UNAVAILABLE', 503],
  ['DEADLINE_EXCEEDED', 504],
]);

/** Messages of out-of-credit answers that arrive as plain 400s (Anthropic) or 402s (DeepSeek). */
const QUOTA_MESSAGE = /credit balance|insufficient (?:balance|quota|credits?)|exceeded your current quota/i;

/** Messages of refused credentials that arrive as plain 400s (Gemini). */
const AUTH_MESSAGE = /API key not valid/i;

/** The error a body reports, or undefined when it reports none. */
export function upstreamErrorOf(body: unknown): UpstreamErrorInfo | undefined {
  const root = Array.isArray(body) ? (body[0] as unknown) : body;
  if (!isObject(root)) return undefined;
  const error = root['error'];
  if (typeof error === 'string') return info(undefined, undefined, error);
  if (!isObject(error)) return undefined;
  const code = error['code'];
  const type = str(error['type']) ?? str(error['status']) ?? str(code);
  const status = typeof code === 'number' && code >= 400 && code < 600 ? code : statusOfType(error, type);
  return info(status, type, str(error['message']), str(code), hasReason(error['details'], 'API_KEY_INVALID'));
}

/** Gemini puts the precise reason in `details[].reason` (google.rpc.ErrorInfo). */
function hasReason(details: unknown, reason: string): boolean {
  return Array.isArray(details) && details.some((detail) => isObject(detail) && detail['reason'] === reason);
}

function statusOfType(error: Record<string, unknown>, type: string | undefined): number | undefined {
  // OpenAI puts the precise reason in `code` (insufficient_quota) and a broad one in `type`.
  const code = str(error['code']);
  return (
    (code === undefined ? undefined : TYPE_STATUS.get(code)) ?? (type === undefined ? undefined : TYPE_STATUS.get(type))
  );
}

function info(
  status: number | undefined,
  type: string | undefined,
  message: string | undefined,
  code?: string,
  keyInvalid = false,
): UpstreamErrorInfo {
  const quota =
    code === 'insufficient_quota' ||
    type === 'insufficient_quota' ||
    type === 'billing_error' ||
    (message !== undefined && QUOTA_MESSAGE.test(message));
  const auth = keyInvalid || (message !== undefined && AUTH_MESSAGE.test(message));
  return { status, type: type ?? code, message, code, quota, auth };
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
