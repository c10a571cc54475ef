/** The pipeline step that reads the body and makes it a validated chat request (413, 400). */
import { BodyTooLargeError, readBody } from '../../read-body.js';
import { ChatRequestInvalid, validateChatRequest, type ChatRequest } from '../dialects/index.js';
import { refuse, type CompletionDeps, type Exchange } from './exchange.js';

/**
 * Step: the request body as a validated {@link ChatRequest}; refuses (413 too large, 400 not JSON
 * or invalid) and returns undefined otherwise. A body that fails to arrive drops the connection.
 */
export async function readChatRequest(deps: CompletionDeps, exchange: Exchange): Promise<ChatRequest | undefined> {
  const { maxBodyBytes } = deps.server;
  const declared = Number(exchange.req.headers['content-length']);
  if (declared > maxBodyBytes) {
    // Refused before reading a byte of it; the unread body makes the connection unusable, so it closes.
    const reason = `declared Content-Length ${declared} exceeds ${maxBodyBytes} bytes`;
    return void refuse(deps, exchange, { connection: 'close' }, 'request_too_large', { reason });
  }
  let raw: Buffer;
  try {
    raw = await readBody(exchange.req, maxBodyBytes);
  } catch (error) {
    if (!(error instanceof BodyTooLargeError)) return void exchange.res.destroy();
    return void refuse(deps, exchange, {}, 'request_too_large', { reason: error.message });
  }
  if (exchange.admission?.overloaded === true) {
    return void refuse(deps, exchange, { 'retry-after': exchange.admission.retryAfter }, 'overloaded');
  }
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch (error) {
    return void refuse(deps, exchange, {}, 'invalid_json', { reason: (error as Error).message });
  }
  const request = validateChatRequest(json);
  if (request instanceof ChatRequestInvalid) {
    return void refuse(deps, exchange, {}, 'invalid_request', { reason: request.message, field: request.field });
  }
  exchange.model = request.model;
  exchange.modelLabel = deps.modelLabels.has(request.model) ? request.model : 'unknown';
  exchange.stream = request.stream === true;
  return request;
}
