/**
 * Addressing a target: request paths under its base URL (`https://host/v1?x=y` ->
 * `/v1/chat/completions?x=y`, split once at startup) and the model to send.
 */
import type { ChatRequest } from './chat-request.js';
import type { DialectTarget } from './dialect.js';

/** `base path + suffix + base query`, with `extraQuery` (no `?`) appended to the query. */
export function endpointPath(target: DialectTarget, suffix: string, extraQuery?: string): string {
  if (extraQuery === undefined) return `${target.basePath}${suffix}${target.search}`;
  return `${target.basePath}${suffix}${target.search === '' ? '?' : `${target.search}&`}${extraQuery}`;
}

/** The target's model; a target without one (legacy configs) sends the client's. */
export function upstreamModel(target: DialectTarget, request: ChatRequest): string {
  return target.model === '' ? request.model : target.model;
}
