/**
 * The one error classifier: turns an upstream HTTP answer (status + provider error body, in any
 * dialect), an in-band stream error or a thrown network error into a kind and whether another
 * attempt may help. Every policy decides from this.
 */
import type { Classification, DialectName, FailureKind } from './contract.js';
import { refusalOf } from './refusal.js';
import { upstreamErrorOf } from './upstream-error.js';

export type { Classification, FailureKind } from './contract.js';

/**
 * What can be classified: an HTTP answer (with its parsed JSON body, or its raw text when it did
 * not parse; omit `body` to skip the check; `dialect` decides what a 2xx must hold, default
 * `openai`), an in-band stream error event's parsed payload, or whatever an attempt threw.
 */
export type Classifiable =
  | { readonly status: number; readonly body?: unknown; readonly dialect?: DialectName }
  | { readonly streamError: unknown }
  | { readonly error: unknown };

const verdict = (kind: Classification['kind'], retryable: boolean): Classification =>
  Object.freeze({ kind, retryable });

/** Shared frozen results, so classifying allocates nothing. */
export const VERDICTS = Object.freeze({
  ok: verdict('ok', false),
  connect: verdict('connect', true),
  reset: verdict('reset', true),
  timeout: verdict('timeout', true),
  aborted: verdict('aborted', false),
  protocol: verdict('protocol', true),
  status_429: verdict('status_429', true),
  quota: verdict('quota', true),
  auth: verdict('auth', true),
  status_5xx: verdict('status_5xx', true),
  status_4xx: verdict('status_4xx', false),
  status_other: verdict('status_other', true),
  error_body: verdict('error_body', true),
  malformed: verdict('malformed', true),
  unknown: verdict('unknown', false),
  context_length: verdict('context_length', true),
  model_not_found: verdict('model_not_found', true),
  content_filter: verdict('content_filter', false),
} satisfies Record<Classification['kind'], Classification>);

/** Error codes by kind, listed explicitly (Node `syscall` errors and undici `UND_ERR_*`). */
const CODE_KINDS: ReadonlyMap<string, FailureKind> = new Map<string, FailureKind>([
  // Nothing reached the provider: always safe to send elsewhere.
  ...['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'EADDRNOTAVAIL'].map(
    (code) => [code, 'connect'] as const,
  ),
  ['UND_ERR_CONNECT_TIMEOUT', 'connect'],
  // The TLS handshake failed (a certificate not trusted or not for this host, or no TLS at all):
  // the request was never sent. Verification stays on; another target may be reachable.
  ...[
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'UNABLE_TO_GET_ISSUER_CERT',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'CERT_HAS_EXPIRED',
    'CERT_NOT_YET_VALID',
    'CERT_UNTRUSTED',
    'ERR_TLS_CERT_ALTNAME_INVALID',
    'ERR_SSL_WRONG_VERSION_NUMBER',
  ].map((code) => [code, 'connect'] as const),
  ...['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET', 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH'].map(
    (code) => [code, 'reset'] as const,
  ),
  ...['ETIMEDOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT'].map((code) => [code, 'timeout'] as const),
  ...['ABORT_ERR', 'UND_ERR_ABORTED', 'UND_ERR_ABORT'].map((code) => [code, 'aborted'] as const),
  ...['UND_ERR_INFO', 'UND_ERR_HEADERS_OVERFLOW', 'UND_ERR_RES_EXCEEDED_MAX_SIZE'].map(
    (code) => [code, 'protocol'] as const,
  ),
]);

/** Classifies an HTTP answer or a thrown error. */
export function classify(input: Classifiable): Classification {
  if ('status' in input) return classifyStatus(input.status, input.body, input.dialect ?? 'openai');
  return 'streamError' in input ? classifyStreamError(input.streamError) : classifyError(input.error);
}

function classifyStatus(status: number, body: unknown, dialect: DialectName): Classification {
  if (status >= 200 && status < 300) return body === undefined ? VERDICTS.ok : classifyBody(body, dialect);
  if (status === 429) return upstreamErrorOf(body)?.quota === true ? VERDICTS.quota : VERDICTS.status_429;
  if (status >= 500 && status < 600) return VERDICTS.status_5xx;
  if (status === 401 || status === 403) return VERDICTS.auth;
  if (status === 402) return VERDICTS.quota;
  if (status === 408) return VERDICTS.timeout;
  if (status >= 400 && status < 500) {
    // Anthropic reports an empty credit balance, Gemini an invalid key, as a plain 400.
    const error = upstreamErrorOf(body);
    if (error?.quota === true) return VERDICTS.quota;
    if (error?.auth === true) return VERDICTS.auth;
    // Too long for this model, or no such model here: another target may serve it.
    const refusal = refusalOf(status, error);
    return refusal === undefined ? VERDICTS.status_4xx : VERDICTS[refusal];
  }
  return VERDICTS.status_other;
}

/** A 2xx counts only with a completion in it: providers sometimes answer 200 with an error body. */
function classifyBody(body: unknown, dialect: DialectName): Classification {
  if (typeof body !== 'object' || body === null) return VERDICTS.malformed;
  const record = body as Record<string, unknown>;
  switch (dialect) {
    case 'openai':
      if (Array.isArray(record['choices'])) return VERDICTS.ok;
      break;
    case 'anthropic':
      if (record['type'] === 'message' && Array.isArray(record['content'])) return VERDICTS.ok;
      break;
    case 'gemini':
      // A prompt blocked by safety filters has `promptFeedback` and no candidates: still an answer.
      if (Array.isArray(record['candidates']) || isObject(record['promptFeedback'])) return VERDICTS.ok;
      break;
    default: {
      const unreachable: never = dialect;
      return unreachable;
    }
  }
  const error = upstreamErrorOf(body);
  if (error === undefined) return VERDICTS.malformed;
  return error.quota ? VERDICTS.quota : VERDICTS.error_body;
}

/**
 * An error event inside a 2xx stream (Anthropic `event: error`, an OpenAI or Gemini `{ error }`
 * chunk): classified as the HTTP status its type stands for, else as an error body.
 */
function classifyStreamError(payload: unknown): Classification {
  const error = upstreamErrorOf(payload);
  if (error === undefined) return VERDICTS.malformed;
  if (error.status === undefined || error.status < 400) return error.quota ? VERDICTS.quota : VERDICTS.error_body;
  return classifyStatus(error.status, payload, 'openai');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function classifyError(error: unknown): Classification {
  return VERDICTS[kindOfError(error, 0)];
}

function kindOfError(error: unknown, depth: number): FailureKind {
  if (typeof error !== 'object' || error === null || depth > 3) return 'unknown';
  const { name, code, message, cause } = error as Partial<Record<'name' | 'code' | 'message' | 'cause', unknown>>;
  // AbortSignal.timeout() and our attempt timeout abort with a DOMException named TimeoutError.
  if (name === 'TimeoutError') return 'timeout';
  if (name === 'AbortError') return 'aborted';
  if (typeof code === 'string') {
    const known = CODE_KINDS.get(code);
    if (known !== undefined) return known;
    if (code.startsWith('HPE_')) return 'protocol'; // llhttp parser errors: the upstream spoke bad HTTP
  }
  if (message === 'socket hang up' || message === 'other side closed') return 'reset';
  // Node's happy-eyeballs connect wraps one error per address; fetch wraps the real error in `cause`.
  if (error instanceof AggregateError && error.errors.length > 0) return kindOfError(error.errors[0], depth + 1);
  return cause === undefined ? 'unknown' : kindOfError(cause, depth + 1);
}
