/**
 * Errors of the embedded Toxiproxy server. Messages are Toxiproxy's own (api.go), so clients that
 * match on them keep working; `kind` is mapped to an HTTP status in exactly one place, `api.ts`.
 */
import { FaultPlaneError } from '../errors.js';

export type ChaosErrorKind = 'bad_request' | 'not_found' | 'conflict' | 'internal';

export class ChaosApiError extends FaultPlaneError {
  constructor(
    readonly kind: ChaosErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const proxyNotFound = (): ChaosApiError => new ChaosApiError('not_found', 'proxy not found');
export const proxyAlreadyExists = (): ChaosApiError => new ChaosApiError('conflict', 'proxy already exists');
export const toxicNotFound = (): ChaosApiError => new ChaosApiError('not_found', 'toxic not found');
export const toxicAlreadyExists = (): ChaosApiError => new ChaosApiError('conflict', 'toxic already exists');
export const invalidToxicType = (): ChaosApiError => new ChaosApiError('bad_request', 'invalid toxic type');
export const invalidStream = (): ChaosApiError =>
  new ChaosApiError('bad_request', 'stream was invalid, can be either upstream or downstream');

export function badRequestBody(detail: string, cause?: unknown): ChaosApiError {
  return new ChaosApiError('bad_request', `bad request body: ${detail}`, { cause });
}

export function missingField(field: string): ChaosApiError {
  return new ChaosApiError('bad_request', `missing required field: ${field}`);
}
