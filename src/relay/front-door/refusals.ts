/**
 * Every way the relay itself says no, in one table: refusal -> HTTP status, OpenAI error `type`,
 * `code`, `param` and a message template of typed parameters. Every place that refuses answers
 * through {@link sendRefusal} (or {@link refusalError} where the envelope differs), so the wire
 * shape `{ error: { message, type, param, code } }` is written in one place.
 */
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { TargetFailure } from '../contract.js';
import { sendError } from './http-io.js';

/** `primary: connect (ECONNREFUSED); fallback: status_5xx (HTTP 503)` */
export function formatFailures(failures: readonly TargetFailure[]): string {
  return failures.map((failure) => `${failure.target}: ${failure.kind} (${failure.detail})`).join('; ');
}

/** The shape the table checks each entry against; `message` takes the entry's own parameters. */
interface RefusalSpec {
  readonly status: number;
  readonly type: string;
  readonly code: string;
  /** The offending request field: fixed, or named by the parameters; null when absent. */
  readonly param?: string | ((params: never) => string);
  readonly message: (params: never) => string;
}

/** The table. Keys name the situation; two situations may share an OpenAI `code`. */
export const REFUSALS = Object.freeze({
  invalid_api_key: {
    status: 401,
    type: 'invalid_request_error',
    code: 'invalid_api_key',
    message: () => 'missing or unknown API key (Authorization: Bearer <key>)',
  },
  invalid_admin_key: {
    status: 401,
    type: 'invalid_request_error',
    code: 'invalid_api_key',
    message: () => 'this route needs an admin key (Authorization: Bearer <admin key>)',
  },
  key_rate_limited: {
    status: 429,
    type: 'rate_limit_exceeded',
    code: 'rate_limit_exceeded',
    message: (p: { keyId: string; perMinute: number | undefined }) =>
      `request rate of key '${p.keyId}' exceeded (${p.perMinute} per minute)`,
  },
  request_too_large: {
    status: 413,
    type: 'invalid_request_error',
    code: 'request_too_large',
    message: (p: { reason: string }) => p.reason,
  },
  invalid_json: {
    status: 400,
    type: 'invalid_request_error',
    code: 'invalid_json',
    message: (p: { reason: string }) => `invalid JSON body: ${p.reason}`,
  },
  invalid_request: {
    status: 400,
    type: 'invalid_request_error',
    code: 'invalid_request',
    param: (p: { reason: string; field: string }) => p.field,
    message: (p: { reason: string; field: string }) => p.reason,
  },
  unknown_alias: {
    status: 404,
    type: 'invalid_request_error',
    code: 'model_not_found',
    param: 'model',
    message: (p: { model: string }) =>
      `model '${p.model}' does not exist; GET /v1/models lists the models this relay serves`,
  },
  budget_exhausted: {
    status: 429,
    type: 'insufficient_quota',
    code: 'budget_exhausted',
    message: (p: { keyId: string; spentUsd: number; budgetUsd: number }) =>
      `budget of key '${p.keyId}' exhausted: spent $${p.spentUsd.toFixed(4)} of $${p.budgetUsd}`,
  },
  all_targets_failed: {
    status: 503,
    type: 'relay_unavailable',
    code: 'all_targets_failed',
    message: (p: { failures: readonly TargetFailure[] }) => `all targets failed: ${formatFailures(p.failures)}`,
  },
  deadline_exceeded: {
    status: 504,
    type: 'relay_timeout',
    code: 'deadline_exceeded',
    message: (p: { deadlineMs: number; attempts: number; failures: readonly TargetFailure[] }) =>
      `deadline of ${p.deadlineMs} ms exceeded after ${p.attempts} attempt(s): ${formatFailures(p.failures)}`,
  },
  overloaded: {
    status: 503,
    type: 'relay_overloaded',
    code: 'overloaded',
    message: () => 'the relay is at its in-flight limit; retry later',
  },
  not_ready: {
    status: 503,
    type: 'relay_unavailable',
    code: 'not_ready',
    message: () => 'the relay is not ready: no available target for some model',
  },
  unknown_model: {
    status: 404,
    type: 'invalid_request_error',
    code: 'model_not_found',
    message: (p: { model: string }) => `model '${p.model}' does not exist`,
  },
  metrics_disabled: {
    status: 404,
    type: 'invalid_request_error',
    code: 'unknown_url',
    message: () => 'metrics are not enabled',
  },
  unknown_route: {
    status: 404,
    type: 'invalid_request_error',
    code: 'unknown_url',
    message: (p: { method: string; path: string }) =>
      `unknown route: ${p.method} ${p.path.length > 200 ? `${p.path.slice(0, 200)}...` : p.path}`,
  },
  method_not_allowed: {
    status: 405,
    type: 'invalid_request_error',
    code: 'method_not_allowed',
    message: (p: { method: string; allow: string }) => `method ${p.method} not allowed; use ${p.allow}`,
  },
  internal: {
    status: 500,
    type: 'relay_error',
    code: 'internal',
    message: (p: { cause: unknown }) =>
      `relay internal error: ${p.cause instanceof Error ? p.cause.message : String(p.cause)}`,
  },
} as const satisfies Record<string, RefusalSpec>);

export type RefusalName = keyof typeof REFUSALS;

/** The parameters of a refusal's message: none, or one typed object. */
export type RefusalArgs<N extends RefusalName> = Parameters<(typeof REFUSALS)[N]['message']>;

/** The `error` object of OpenAI's envelope, fields in wire order. */
export interface RefusalError {
  readonly message: string;
  readonly type: string;
  readonly param: string | null;
  readonly code: string;
}

/** A refusal's HTTP status. */
export function refusalStatus(name: RefusalName): number {
  return REFUSALS[name].status;
}

/** A refusal's `error` object, message filled in. */
export function refusalError<N extends RefusalName>(name: N, ...args: RefusalArgs<N>): RefusalError {
  const spec: RefusalSpec = REFUSALS[name];
  const message = (spec.message as (...params: unknown[]) => string)(...args);
  const param =
    typeof spec.param === 'function' ? (spec.param as (...params: unknown[]) => string)(...args) : spec.param;
  return { message, type: spec.type, param: param ?? null, code: spec.code };
}

/**
 * Answers with a refusal: its status, `headers` (completed in place with type and length), and
 * `{ error: { message, type, param, code } }`.
 */
export function sendRefusal<N extends RefusalName>(
  res: ServerResponse,
  headers: OutgoingHttpHeaders,
  name: N,
  ...args: RefusalArgs<N>
): void {
  sendError(res, REFUSALS[name].status, refusalError(name, ...args), headers);
}
