/**
 * Front-door I/O: complete answers with explicit lengths (so client connections stay reusable),
 * errors in OpenAI's shape.
 */
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';

/**
 * Writes a complete answer; a no-op when the client already left. `headers` is completed in place
 * (type and length) to spare a copy per response, so pass an object built for this response.
 */
export function sendBody(
  res: ServerResponse,
  status: number,
  body: string | Buffer,
  headers: OutgoingHttpHeaders,
  contentType = 'application/json',
): void {
  if (res.destroyed) return;
  headers['content-type'] = contentType;
  headers['content-length'] = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  res.writeHead(status, headers);
  res.end(body);
}

/** Writes `{ error: { message, type, param, code } }`; `param` names the offending field, else null. */
export function sendError(
  res: ServerResponse,
  status: number,
  error: {
    readonly message: string;
    readonly type: string;
    readonly code: string;
    readonly param?: string | null | undefined;
  },
  headers: OutgoingHttpHeaders = {},
): void {
  const body = JSON.stringify({
    error: { message: error.message, type: error.type, param: error.param ?? null, code: error.code },
  });
  sendBody(res, status, body, headers);
}
