/**
 * The API key a request carries, however its dialect sends it (OpenAI `Authorization: Bearer`,
 * Anthropic `x-api-key`, Gemini `x-goog-api-key` or `?key=`), so per-key rate limits and faults
 * can tell a relay's keys apart. `''` when the request carries none.
 */
import type { IncomingHttpHeaders } from 'node:http';

export function credentialOf(headers: IncomingHttpHeaders, query?: URLSearchParams): string {
  const authorization = headers.authorization;
  if (authorization !== undefined) {
    const match = /^\s*bearer\s+(\S+)/i.exec(authorization);
    if (match !== null) return match[1]!;
  }
  const header = headers['x-api-key'] ?? headers['x-goog-api-key'];
  if (typeof header === 'string' && header !== '') return header;
  return query?.get('key') ?? '';
}
