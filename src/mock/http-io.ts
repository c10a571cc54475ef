/**
 * Small HTTP helpers for mock providers: JSON answers in the OpenAI error shape.
 */
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';

/** Writes a complete JSON answer with an explicit length (keeps the connection reusable). */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: OutgoingHttpHeaders = {}): void {
  if (res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** The body OpenAI answers with on errors: `{ error: { message, type, param, code } }`. */
export function openAIErrorBody(
  message: string,
  code: string | null,
  type = 'invalid_request_error',
  param: string | null = null,
): { error: { message: string; type: string; param: string | null; code: string | null } } {
  return { error: { message, type, param, code } };
}
