import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import {
  formatFailures,
  REFUSALS,
  refusalError,
  sendRefusal,
  type RefusalArgs,
  type RefusalName,
} from '../../../src/relay/front-door/refusals.js';

const failures = [
  { target: 'primary', kind: 'connect', detail: 'ECONNREFUSED' },
  { target: 'fallback', kind: 'status_5xx', detail: 'HTTP 503' },
];
const both = 'primary: connect (ECONNREFUSED); fallback: status_5xx (HTTP 503)';

/** Every refusal: its parameters and the exact status, type, code, param and message on the wire. */
const TABLE: { [N in RefusalName]: [RefusalArgs<N>, number, string, string, string | null, string] } = {
  invalid_api_key: [
    [],
    401,
    'invalid_request_error',
    'invalid_api_key',
    null,
    'missing or unknown API key (Authorization: Bearer <key>)',
  ],
  invalid_admin_key: [
    [],
    401,
    'invalid_request_error',
    'invalid_api_key',
    null,
    'this route needs an admin key (Authorization: Bearer <admin key>)',
  ],
  key_rate_limited: [
    [{ keyId: 'team-a', perMinute: 60 }],
    429,
    'rate_limit_exceeded',
    'rate_limit_exceeded',
    null,
    "request rate of key 'team-a' exceeded (60 per minute)",
  ],
  request_too_large: [
    [{ reason: 'request body exceeds 1024 bytes' }],
    413,
    'invalid_request_error',
    'request_too_large',
    null,
    'request body exceeds 1024 bytes',
  ],
  invalid_json: [
    [{ reason: 'Unexpected end of JSON input' }],
    400,
    'invalid_request_error',
    'invalid_json',
    null,
    'invalid JSON body: Unexpected end of JSON input',
  ],
  invalid_request: [
    [{ reason: 'messages: expected a non-empty array', field: 'messages' }],
    400,
    'invalid_request_error',
    'invalid_request',
    'messages',
    'messages: expected a non-empty array',
  ],
  unknown_alias: [
    [{ model: 'gpt-9' }],
    404,
    'invalid_request_error',
    'model_not_found',
    'model',
    "model 'gpt-9' does not exist; GET /v1/models lists the models this relay serves",
  ],
  budget_exhausted: [
    [{ keyId: 'team-a', spentUsd: 1.23456, budgetUsd: 1 }],
    429,
    'insufficient_quota',
    'budget_exhausted',
    null,
    "budget of key 'team-a' exhausted: spent $1.2346 of $1",
  ],
  all_targets_failed: [
    [{ failures }],
    503,
    'relay_unavailable',
    'all_targets_failed',
    null,
    `all targets failed: ${both}`,
  ],
  deadline_exceeded: [
    [{ deadlineMs: 800, attempts: 2, failures }],
    504,
    'relay_timeout',
    'deadline_exceeded',
    null,
    `deadline of 800 ms exceeded after 2 attempt(s): ${both}`,
  ],
  overloaded: [[], 503, 'relay_overloaded', 'overloaded', null, 'the relay is at its in-flight limit; retry later'],
  not_ready: [
    [],
    503,
    'relay_unavailable',
    'not_ready',
    null,
    'the relay is not ready: no available target for some model',
  ],
  unknown_model: [
    [{ model: 'nope' }],
    404,
    'invalid_request_error',
    'model_not_found',
    null,
    "model 'nope' does not exist",
  ],
  metrics_disabled: [[], 404, 'invalid_request_error', 'unknown_url', null, 'metrics are not enabled'],
  unknown_route: [
    [{ method: 'GET', path: `/${'x'.repeat(250)}` }],
    404,
    'invalid_request_error',
    'unknown_url',
    null,
    `unknown route: GET /${'x'.repeat(199)}...`,
  ],
  method_not_allowed: [
    [{ method: 'DELETE', allow: 'GET, HEAD' }],
    405,
    'invalid_request_error',
    'method_not_allowed',
    null,
    'method DELETE not allowed; use GET, HEAD',
  ],
  internal: [[{ cause: new Error('boom') }], 500, 'relay_error', 'internal', null, 'relay internal error: boom'],
};

/** A ServerResponse stand-in that records what sendBody writes. */
function recorder(): {
  res: ServerResponse;
  written: () => { status: number; headers: OutgoingHttpHeaders; body: string };
} {
  let status = 0;
  let headers: OutgoingHttpHeaders = {};
  let body = '';
  const res = {
    destroyed: false,
    writeHead(code: number, given: OutgoingHttpHeaders) {
      status = code;
      headers = { ...given };
    },
    end(chunk: string) {
      body = chunk;
    },
  } as unknown as ServerResponse;
  return { res, written: () => ({ status, headers, body }) };
}

describe('the refusal table', () => {
  it('has a row in this test for every refusal', () => {
    expect(Object.keys(TABLE).sort()).toEqual(Object.keys(REFUSALS).sort());
  });

  for (const name of Object.keys(TABLE) as RefusalName[]) {
    const [args, status, type, code, param, message] = TABLE[name];
    it(`${name}: ${status} ${type}/${code}`, () => {
      const error = (refusalError as (n: RefusalName, ...a: unknown[]) => unknown)(name, ...args);
      expect(error).toEqual({ message, type, param, code });
      const { res, written } = recorder();
      (sendRefusal as (r: ServerResponse, h: OutgoingHttpHeaders, n: RefusalName, ...a: unknown[]) => void)(
        res,
        { 'x-request-id': 'r1' },
        name,
        ...args,
      );
      const body = JSON.stringify({ error: { message, type, param, code } });
      expect(written()).toEqual({
        status,
        headers: {
          'x-request-id': 'r1',
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
        body,
      });
    });
  }

  it('formats failures in order, target: kind (detail)', () => {
    expect(formatFailures(failures)).toBe(both);
    expect(formatFailures([])).toBe('');
  });
});
