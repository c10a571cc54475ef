import { errors as undiciErrors } from 'undici';
import { describe, expect, it } from 'vitest';
import { classify, VERDICTS, type Classifiable, type Classification } from '../../src/relay/classify.js';

const withCode = (code: string, message = code): Error => Object.assign(new Error(message), { code });
const completion = { id: 'chatcmpl-1', object: 'chat.completion', choices: [] };

const table: Array<[string, Classifiable, Classification['kind'], boolean]> = [
  // HTTP answers
  ['200 with a completion', { status: 200, body: completion }, 'ok', false],
  ['200, body not inspected', { status: 200 }, 'ok', false],
  ['201 with a completion', { status: 201, body: completion }, 'ok', false],
  ['200 with an error body', { status: 200, body: { error: { message: 'overloaded' } } }, 'error_body', true],
  ['200 with unparseable text', { status: 200, body: '<html>oops' }, 'malformed', true],
  ['200 with an empty body', { status: 200, body: '' }, 'malformed', true],
  ['200 with JSON that is no completion', { status: 200, body: { hello: 1 } }, 'malformed', true],
  ['200 with JSON null', { status: 200, body: null }, 'malformed', true],
  ['429', { status: 429 }, 'status_429', true],
  ['500', { status: 500 }, 'status_5xx', true],
  ['502', { status: 502 }, 'status_5xx', true],
  ['503', { status: 503 }, 'status_5xx', true],
  ['529 (overloaded)', { status: 529 }, 'status_5xx', true],
  ['400', { status: 400, body: { error: { code: 'context_length_exceeded' } } }, 'status_4xx', false],
  ['401', { status: 401 }, 'status_4xx', false],
  ['404', { status: 404 }, 'status_4xx', false],
  ['302', { status: 302 }, 'status_other', true],
  ['101', { status: 101 }, 'status_other', true],
  // connect: nothing reached the provider
  ['ECONNREFUSED', { error: withCode('ECONNREFUSED') }, 'connect', true],
  ['ENOTFOUND', { error: withCode('ENOTFOUND') }, 'connect', true],
  ['EAI_AGAIN', { error: withCode('EAI_AGAIN') }, 'connect', true],
  ['EHOSTUNREACH', { error: withCode('EHOSTUNREACH') }, 'connect', true],
  ['ENETUNREACH', { error: withCode('ENETUNREACH') }, 'connect', true],
  ['undici ConnectTimeoutError', { error: new undiciErrors.ConnectTimeoutError() }, 'connect', true],
  ['happy-eyeballs AggregateError', { error: new AggregateError([withCode('ECONNREFUSED')], 'x') }, 'connect', true],
  // reset
  ['ECONNRESET', { error: withCode('ECONNRESET') }, 'reset', true],
  ['EPIPE', { error: withCode('EPIPE') }, 'reset', true],
  ['undici SocketError', { error: new undiciErrors.SocketError('closed') }, 'reset', true],
  ['other side closed without code', { error: new Error('other side closed') }, 'reset', true],
  ['socket hang up without code', { error: new Error('socket hang up') }, 'reset', true],
  ['content-length mismatch', { error: new undiciErrors.ResponseContentLengthMismatchError() }, 'reset', true],
  ['fetch failed wrapping a reset', { error: new TypeError('fetch failed', { cause: withCode('ECONNRESET') }) }, 'reset', true],
  // timeout
  ['attempt timeout (TimeoutError)', { error: new DOMException('attempt timed out', 'TimeoutError') }, 'timeout', true],
  ['AbortSignal.timeout() reason', { error: timeoutReason() }, 'timeout', true],
  ['undici HeadersTimeoutError', { error: new undiciErrors.HeadersTimeoutError() }, 'timeout', true],
  ['undici BodyTimeoutError', { error: new undiciErrors.BodyTimeoutError() }, 'timeout', true],
  ['ETIMEDOUT', { error: withCode('ETIMEDOUT') }, 'timeout', true],
  // aborted by the caller: never retried
  ['AbortError DOMException', { error: new DOMException('client left', 'AbortError') }, 'aborted', false],
  ['undici RequestAbortedError', { error: new undiciErrors.RequestAbortedError() }, 'aborted', false],
  // protocol: the upstream spoke bad HTTP
  ['llhttp parser error', { error: withCode('HPE_INVALID_CONSTANT', 'Expected HTTP/') }, 'protocol', true],
  ['response too large', { error: new undiciErrors.ResponseExceededMaxSizeError() }, 'protocol', true],
  ['headers overflow', { error: new undiciErrors.HeadersOverflowError() }, 'protocol', true],
  // unknown: not retried blindly
  ['plain Error', { error: new Error('boom') }, 'unknown', false],
  ['unlisted code', { error: withCode('EWHATEVER') }, 'unknown', false],
  ['a thrown string', { error: 'boom' }, 'unknown', false],
  ['undefined', { error: undefined }, 'unknown', false],
];

function timeoutReason(): unknown {
  const controller = new AbortController();
  controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
  return controller.signal.reason;
}

describe('classify', () => {
  it.each(table.map(([name, input, kind, retryable]) => ({ name, input, kind, retryable })))(
    '$name -> $kind',
    ({ input, kind, retryable }) => {
      expect(classify(input)).toEqual({ kind, retryable });
    },
  );

  it('covers every kind it can return', () => {
    const covered = new Set(table.map(([, , kind]) => kind));
    expect([...covered].sort()).toEqual(Object.keys(VERDICTS).sort());
  });

  it('returns shared frozen verdicts (no allocation per call)', () => {
    expect(classify({ status: 503 })).toBe(VERDICTS.status_5xx);
    expect(Object.isFrozen(classify({ error: withCode('ECONNRESET') }))).toBe(true);
  });

  it('does not loop on self-referencing causes', () => {
    const error: Error & { cause?: unknown } = new Error('loop');
    error.cause = error;
    expect(classify({ error }).kind).toBe('unknown');
  });
});
