/**
 * Listening and closing for the relay's node:http server, and the answer to requests so
 * malformed that node cannot parse them (still an OpenAI-shaped JSON error, never a crash).
 */
import type { Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { ServiceStartError } from '../../errors.js';

export interface ListeningServer {
  /** `http://host:port`. */
  readonly url: string;
  readonly port: number;
  /** Stops listening and destroys every connection. Idempotent. */
  close(): Promise<void>;
}

/** Starts listening; `onClose` runs after the server closed (release upstream pools there). */
export async function listen(
  server: Server,
  host: string,
  port: number,
  onClose: () => Promise<void> = async () => {},
): Promise<ListeningServer> {
  server.on('clientError', answerClientError);
  const bound = await new Promise<number>((resolve, reject) => {
    const onError = (error: Error): void =>
      reject(new ServiceStartError(`relay could not listen on ${host}:${port}: ${error.message}`, { cause: error }));
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`,
    port: bound,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }).then(onClose);
      return closing;
    },
  };
}

const CLIENT_ERRORS = {
  header_overflow: {
    status: '431 Request Header Fields Too Large',
    message: 'request headers too large',
    code: 'headers_too_large',
  },
  timeout: {
    status: '408 Request Timeout',
    message: 'request not received in time (headers or body too slow)',
    code: 'request_timeout',
  },
  malformed: { status: '400 Bad Request', message: 'malformed HTTP request', code: 'bad_request' },
} as const;

/**
 * Status for node's parser errors and read timeouts: oversized headers get 431, a request that did
 * not arrive in time 408, everything else 400. Nothing is written once a response has started.
 */
function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  const started = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true;
  if (error.code === 'ECONNRESET' || !socket.writable || started) return void socket.destroy();
  const kind =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? CLIENT_ERRORS.header_overflow
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? CLIENT_ERRORS.timeout
        : CLIENT_ERRORS.malformed;
  const body = JSON.stringify({
    error: { message: kind.message, type: 'invalid_request_error', param: null, code: kind.code },
  });
  // A timed-out client is stalled: close at once once the answer is flushed, do not wait for its FIN.
  if (kind === CLIENT_ERRORS.timeout) socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${kind.status}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}
