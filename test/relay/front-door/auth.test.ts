import { describe, expect, it } from 'vitest';
import type { ClientKeyConfig } from '../../../src/relay/config.js';
import { ANONYMOUS_CLIENT, bearerToken, createAuthenticator, hashToken } from '../../../src/relay/front-door/auth.js';

const key = (id: string, token: string, extra: Partial<ClientKeyConfig> = {}): ClientKeyConfig => ({
  id,
  sha256: hashToken(token),
  budgetUsd: undefined,
  requestsPerMinute: undefined,
  budgetPeriod: 'month',
  onBudgetExhausted: 'reject',
  downgradeTo: undefined,
  ...extra,
});

describe('authenticator', () => {
  const auth = createAuthenticator([key('team-a', 'token-a', { budgetUsd: 5 }), key('team-b', 'token-b')]);

  it('hashes tokens as sha256 hex', () => {
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('finds the key whose hash matches the bearer token', () => {
    expect(auth.enabled).toBe(true);
    expect(auth.authenticate('Bearer token-a')).toMatchObject({ id: 'team-a', budgetUsd: 5 });
    expect(auth.authenticate('bearer token-b')?.id).toBe('team-b');
    expect(auth.authenticate('BEARER   token-b  ')?.id).toBe('team-b');
  });

  it.each([
    ['no header', undefined],
    ['an unknown token', 'Bearer token-c'],
    ['a token prefix', 'Bearer token-'],
    ['the hash itself', `Bearer ${hashToken('token-a')}`],
    ['another scheme', 'Basic token-a'],
    ['a bare token', 'token-a'],
    ['an empty bearer', 'Bearer '],
    ['a repeated header', ['Bearer token-a', 'Bearer token-a']],
  ])('refuses %s', (_name, header) => {
    expect(auth.authenticate(header)).toBeUndefined();
  });

  it('never exposes the hashes on the client it returns', () => {
    expect(JSON.stringify(auth.authenticate('Bearer token-a'))).not.toContain(hashToken('token-a'));
  });

  it('is off without keys: everyone is the anonymous client', () => {
    const open = createAuthenticator([]);
    expect(open.enabled).toBe(false);
    expect(open.authenticate(undefined)).toBe(ANONYMOUS_CLIENT);
    expect(open.authenticate('Bearer whatever')).toBe(ANONYMOUS_CLIENT);
  });

  it('parses bearer tokens', () => {
    expect(bearerToken('Bearer a b')).toBe('a b');
    expect(bearerToken('Bearer')).toBeUndefined();
  });
});
