/**
 * What counts as a token in the serving metrics. The usage the response reported
 * (`usage.completion_tokens`, which streams carry when asked with `stream_options.include_usage`)
 * is the count; a stream without usage falls back to its content chunks, one token each (exact
 * for the mock providers and for most relays, an undercount when a chunk carries several tokens).
 */
import type { RequestRecord } from './record.js';

/** Output tokens of a request: reported usage, else content chunks of a stream; undefined if neither. */
export function outputTokens(record: RequestRecord): number | undefined {
  return record.usage?.completion ?? record.chunks;
}

/** Input (prompt) tokens the response reported; 0 when it reported none. */
export function inputTokens(record: RequestRecord): number {
  return record.usage?.prompt ?? 0;
}
