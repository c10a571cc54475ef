/**
 * Client authentication: `Authorization: Bearer <token>` checked against keys configured as
 * sha256 hex digests (the tokens themselves are never stored). The digest of the presented token
 * is compared with every configured digest in constant time, without early exit, so timing tells
 * nothing about which key (or how much of one) matched.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { ClientKeyConfig } from '../config.js';

/** An authenticated client: its configured key, or the anonymous client when auth is off. */
export interface ClientKey {
  readonly id: string;
  readonly budgetUsd: number | undefined;
  readonly budgetPeriod: ClientKeyConfig['budgetPeriod'];
  readonly onBudgetExhausted: ClientKeyConfig['onBudgetExhausted'];
  readonly downgradeTo: string | undefined;
  readonly requestsPerMinute: number | undefined;
}

/** Used for every request when no keys are configured: no budget. */
export const ANONYMOUS_CLIENT: ClientKey = Object.freeze({
  id: 'anonymous',
  budgetUsd: undefined,
  budgetPeriod: 'total',
  onBudgetExhausted: 'reject',
  downgradeTo: undefined,
  requestsPerMinute: undefined,
});

export interface Authenticator {
  /** False when no keys are configured: every request is {@link ANONYMOUS_CLIENT}. */
  readonly enabled: boolean;
  /** The client for an `Authorization` header value, or `undefined` (answer 401). */
  authenticate(header: string | string[] | undefined): ClientKey | undefined;
}

/** sha256 hex of a bearer token, the form keys are configured in. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function createAuthenticator(keys: readonly ClientKeyConfig[]): Authenticator {
  const digests = keys.map((key) => Buffer.from(key.sha256, 'hex'));
  const clients: ClientKey[] = keys.map((key) =>
    Object.freeze({
      id: key.id,
      budgetUsd: key.budgetUsd,
      budgetPeriod: key.budgetPeriod,
      onBudgetExhausted: key.onBudgetExhausted,
      downgradeTo: key.downgradeTo,
      requestsPerMinute: key.requestsPerMinute,
    }),
  );
  if (keys.length === 0) return Object.freeze({ enabled: false, authenticate: () => ANONYMOUS_CLIENT });
  return Object.freeze({
    enabled: true,
    authenticate(header: string | string[] | undefined): ClientKey | undefined {
      const token = bearerToken(header);
      if (token === undefined) return undefined;
      const digest = createHash('sha256').update(token, 'utf8').digest();
      let found = -1;
      for (let i = 0; i < digests.length; i++) {
        // Every digest is compared (no break), so the time does not depend on which one matched.
        if (timingSafeEqual(digest, digests[i] as Buffer) && found === -1) found = i;
      }
      return found === -1 ? undefined : clients[found];
    },
  });
}

/** The token of `Bearer <token>` (scheme case-insensitive), or undefined. */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string') return undefined; // a repeated Authorization header is refused
  const space = header.indexOf(' ');
  if (space === -1 || header.slice(0, space).toLowerCase() !== 'bearer') return undefined;
  const token = header.slice(space + 1).trim();
  return token === '' ? undefined : token;
}
