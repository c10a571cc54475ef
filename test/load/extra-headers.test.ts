import { describe, expect, it } from 'vitest';
import { extraHeaderProblem, extraHeaders } from '../../src/load/extra-headers.js';
import { LoadOptionError } from '../../src/load/load-errors.js';
import { createRequestMix, requestHeaders } from '../../src/load/request-mix.js';

describe('extra headers', () => {
  it('are lower-cased, frozen and sent with every plan next to the harness headers', () => {
    const headers = extraHeaders({ 'X-Portkey-Config': '{"strategy":{"mode":"fallback"}}', 'x-trace': 'a\tb' }, false);
    expect(headers).toEqual({ 'x-portkey-config': '{"strategy":{"mode":"fallback"}}', 'x-trace': 'a\tb' });
    expect(Object.isFrozen(headers)).toBe(true);
    const mix = createRequestMix({ models: 'm', maxTokens: 8, streamRatio: 1, headers: { 'X-Portkey-Config': '{}' } });
    const plans = [mix(), mix()];
    expect(plans[0]!.headers).toBe(plans[1]!.headers); // one shared object, not a copy per request
    expect(requestHeaders(plans[0]!, 'rb-1')).toEqual({
      'x-portkey-config': '{}',
      'content-type': 'application/json',
      'x-request-id': 'rb-1',
      accept: 'text/event-stream',
    });
    expect(requestHeaders(plans[1]!, 'rb-2')['x-request-id']).toBe('rb-2');
  });

  it('leave plans without them as they were', () => {
    expect(createRequestMix({ models: 'm', maxTokens: 8 })().headers).toBeUndefined();
  });

  it.each<[string, string, string, RegExp]>([
    ['a name with a space', 'x portkey', 'v', /"x portkey" is not an HTTP header name/],
    ['an empty name', '', 'v', /"" is not an HTTP header name/],
    ['the request id', 'X-Request-Id', 'rb-0', /'X-Request-Id' is set by the harness/],
    ['the content type', 'content-type', 'text/plain', /'content-type' is set by the harness/],
    ['a line break', 'x-config', 'a\r\nx-evil: 1', /'x-config': got "a\\r\\nx-evil: 1", a value with a line break/],
    ['a NUL', 'x-config', 'a\u0000b', /'x-config': got "a\\u0000b"/],
  ])('rejects %s, naming the header and the value', (_case, name, value, message) => {
    expect(extraHeaderProblem(name, value)).toMatch(message);
    expect(() => extraHeaders({ [name]: value }, false)).toThrow(LoadOptionError);
    expect(() => extraHeaders({ [name]: value }, false)).toThrow(`load option headers.${name}: got`);
  });

  it('never shows a credential, and rejects a header given twice or an Authorization that mix.keys would replace', () => {
    expect(extraHeaderProblem('x-api-key', 'sk-secret\n')).toContain('got "<redacted>"');
    expect(() => extraHeaders({ 'X-A': '1', 'x-a': '2' }, false)).toThrow(
      /headers\.x-a: got "2", expected one value per header .*'x-a' is given twice/,
    );
    expect(() => extraHeaders({ Authorization: 'Bearer sk-gateway' }, true)).toThrow(
      /headers\.Authorization: got "<redacted>", expected no Authorization header when mix\.keys/,
    );
    expect(extraHeaders({ Authorization: 'Bearer sk-gateway' }, false)).toEqual({ authorization: 'Bearer sk-gateway' });
    expect(() =>
      createRequestMix({
        models: 'm',
        maxTokens: 8,
        keys: [{ name: 'k', token: 't' }],
        headers: { authorization: 'Bearer x' },
      }),
    ).toThrow(/mix\.keys/);
  });
});
