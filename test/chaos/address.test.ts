import { describe, expect, it } from 'vitest';
import { formatHostPort, parseHostPort } from '../../src/chaos/address.js';
import { statusFor } from '../../src/chaos/api.js';
import type { ChaosErrorKind } from '../../src/chaos/errors.js';

describe('parseHostPort', () => {
  it.each([
    ['127.0.0.1:8474', { host: '127.0.0.1', port: 8474 }],
    ['localhost:0', { host: 'localhost', port: 0 }],
    ['[::1]:26379', { host: '::1', port: 26379 }],
    ['[::]:13306', { host: '::', port: 13306 }],
    [':8080', { host: '', port: 8080 }],
    ['api.openai.example:443', { host: 'api.openai.example', port: 443 }],
  ])('%s -> %j', (input, expected) => {
    expect(parseHostPort(input)).toEqual(expected);
  });

  it.each(['', 'localhost', '127.0.0.1:', '127.0.0.1:65536', '::1:80', 'host:port', '[::1:80', 'a:b:1'])(
    'rejects %j',
    (input) => {
      expect(parseHostPort(input)).toBeUndefined();
    },
  );
});

describe('formatHostPort', () => {
  it('brackets IPv6 hosts like Go does', () => {
    expect(formatHostPort('127.0.0.1', 1)).toBe('127.0.0.1:1');
    expect(formatHostPort('::', 2)).toBe('[::]:2');
  });
});

describe('statusFor', () => {
  it.each<[ChaosErrorKind, number]>([
    ['bad_request', 400],
    ['not_found', 404],
    ['conflict', 409],
    ['internal', 500],
  ])('%s -> %i', (kind, status) => {
    expect(statusFor(kind)).toBe(status);
  });
});
