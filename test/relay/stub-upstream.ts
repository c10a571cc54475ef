/**
 * Tiny real HTTP servers for relay tests: each answers with a scripted behaviour (status, reset,
 * stall) on a loopback port and records what it received.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StubRequest {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface Stub {
  /** `http://127.0.0.1:PORT/v1`: usable as a target `baseUrl`. */
  readonly baseUrl: string;
  readonly requests: StubRequest[];
  /** Resolves when a received request's socket closed before the stub answered. */
  readonly clientGone: Promise<void>;
  /** Resolves when the first request has arrived (whole body read). */
  readonly received: Promise<void>;
  close(): Promise<void>;
}

export type StubBehaviour = (req: IncomingMessage, res: ServerResponse, body: string) => void;

export async function startStub(behaviour: StubBehaviour): Promise<Stub> {
  const requests: StubRequest[] = [];
  let markGone: () => void = () => {};
  const clientGone = new Promise<void>((resolve) => (markGone = resolve));
  let markReceived: () => void = () => {};
  const received = new Promise<void>((resolve) => (markReceived = resolve));
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ path: req.url ?? '', headers: req.headers, body });
      markReceived();
      res.on('close', () => {
        if (!res.writableFinished) markGone();
      });
      behaviour(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    clientGone,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Answers `status` with a JSON body. */
export const answer =
  (status: number, body: unknown, headers: Record<string, string> = {}): StubBehaviour =>
  (_req, res) => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      ...headers,
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  };

/** Destroys the socket without answering (the client sees a reset / socket hang up). */
export const resetBeforeHeaders: StubBehaviour = (req) => req.socket.destroy();

/** Sends headers and half a body, then destroys the socket. */
export const resetMidBody: StubBehaviour = (req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
  res.write('{"id":"chatcmpl-cut","choices":[');
  setTimeout(() => req.socket.destroy(), 20);
};

/** Never answers. */
export const stall: StubBehaviour = () => {};

/** A minimal valid completion body, tagged with who served it. */
export function completion(tag: string): Record<string, unknown> {
  return {
    id: `chatcmpl-${tag}`,
    object: 'chat.completion',
    created: 0,
    model: 'stub',
    choices: [{ index: 0, message: { role: 'assistant', content: tag }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
  };
}
