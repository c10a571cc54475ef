import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TestServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** A real loopback HTTP server for tests; `close` also ends keep-alive and pending sockets. */
export async function startTestServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<TestServer> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A well-formed chat completion body, as the load client requires for success. */
export function completionBody(provider = 'test'): string {
  return JSON.stringify({
    id: 'chatcmpl-test',
    object: 'chat.completion',
    model: 'test',
    choices: [{ index: 0, message: { role: 'assistant', content: `hello from ${provider}` }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 },
  });
}

/** Ends a request with a completion, draining the body first. */
export function answer(
  req: IncomingMessage,
  res: ServerResponse,
  delayMs = 0,
  headers: Record<string, string> = {},
): void {
  req.resume();
  req.on('end', () => {
    setTimeout(() => {
      if (res.destroyed) return;
      res.writeHead(200, { 'content-type': 'application/json', ...headers });
      res.end(completionBody());
    }, delayMs);
  });
}
