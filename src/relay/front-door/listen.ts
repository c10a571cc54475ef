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

/** Status for node's parser errors: oversized headers get 431, everything else 400. */
function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
  const status = tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request';
  const body = JSON.stringify({
    error: {
      message: tooLarge ? 'request headers too large' : 'malformed HTTP request',
      type: 'invalid_request_error',
      param: null,
      code: tooLarge ? 'headers_too_large' : 'bad_request',
    },
  });
  socket.end(
    `HTTP/1.1 ${status}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}
