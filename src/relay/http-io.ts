/**
 * Front-door I/O: bounded body reading and complete answers with explicit lengths (so client
 * connections stay reusable), errors in OpenAI's shape.
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';

/** Rejected by {@link readBody} when a request body exceeds the limit. */
export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`request body exceeds ${limit} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/** Reads a whole request body, refusing more than `limit` bytes. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      req.off('data', onData);
      req.resume(); // drain the rest so the 413 can still be written on this connection
      reject(new BodyTooLargeError(limit));
    };
    req.on('data', onData);
    req.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    req.once('error', reject);
  });
}

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

/** Writes `{ error: { message, type, param: null, code } }`. */
export function sendError(
  res: ServerResponse,
  status: number,
  error: { readonly message: string; readonly type: string; readonly code: string },
  headers: OutgoingHttpHeaders = {},
): void {
  const body = JSON.stringify({ error: { message: error.message, type: error.type, param: null, code: error.code } });
  sendBody(res, status, body, headers);
}
