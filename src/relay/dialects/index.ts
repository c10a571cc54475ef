/** The dialects' public surface for the request pipeline. */
export { DIALECTS } from './registry.js';
export type { DialectName } from '../contract.js';
export type { Dialect, DialectOutcome, DialectTarget } from './dialect.js';
export { createAttempt, type AttemptOptions, type DialectAttempt, type DialectAttemptContext } from './attempt.js';
export { ChatRequestInvalid, validateChatRequest, wantsStreamUsage, type ChatRequest } from './chat-request.js';
