/** What a `--records` line keeps of a response: the chosen headers, and a failed answer's error code. */
import { describe, expect, it } from 'vitest';
import { errorOfText } from '../../src/load/error-shape.js';
import { chosenHeaders } from '../../src/load/record-headers.js';
import { StreamMeter } from '../../src/load/stream-meter.js';

describe('chosenHeaders', () => {
  it('keeps retry-after, x-relay-*, x-request-id and x-mock-provider (first of repeated values), nothing else', () => {
    const kept = chosenHeaders({
      'content-type': 'application/json',
      'retry-after': '3',
      'x-relay-provider': 'primary',
      'x-relay-attempts': '2',
      'x-request-id': ['rb-7', 'upstream-id'],
      'x-mock-provider': 'backup',
      'x-ratelimit-remaining-requests': '10',
      'set-cookie': ['a=b'],
    });
    expect(kept).toEqual({
      'retry-after': '3',
      'x-relay-provider': 'primary',
      'x-relay-attempts': '2',
      'x-request-id': 'rb-7',
      'x-mock-provider': 'backup',
    });
  });

  it('is undefined when none is there, so a record carries no empty object', () => {
    expect(chosenHeaders({ 'content-type': 'text/plain' })).toBeUndefined();
  });
});

describe('error codes', () => {
  it.each([
    ['a string code', '{"error":{"message":"m","type":"t","code":"upstream_timeout"}}', 'upstream_timeout'],
    ['a numeric code', '{"error":{"message":"m","type":"t","code":429}}', '429'],
    ['a null code: the type', '{"error":{"message":"m","type":"server_error","code":null}}', 'server_error'],
    [
      "Anthropic's shape: the type",
      '{"type":"error","error":{"type":"overloaded_error","message":"o"}}',
      'overloaded_error',
    ],
    ['an error that is a string', '{"error":"upstream failed"}', undefined],
    ['plain text', 'Bad Gateway', undefined],
  ] as const)('%s gives %s', (_what, text, code) => {
    expect(errorOfText(text).code).toBe(code);
  });

  it("takes a stream's first error event's code", () => {
    const meter = new StreamMeter();
    meter.push('data: {"error":{"message":"cut","type":"stream_error","code":"upstream_stream_cut"}}\n\n', 1);
    meter.push('data: {"error":{"message":"again","type":"t","code":"second"}}\n\n', 2);
    meter.end();
    expect(meter.errorCode).toBe('upstream_stream_cut');
  });
});
