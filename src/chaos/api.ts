/**
 * The REST layer: Toxiproxy's HTTP API (api.go) on node:http, path for path, with its JSON bodies,
 * status codes and error messages, so `toxiproxy-node-client` and Toxiproxy tooling work unchanged.
 * Errors are `{"error": "<message>", "status": <code>}`; `statusFor` is the one mapping to a status.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ChaosApiError, badRequestBody, type ChaosErrorKind } from './errors.js';
import { renderMetrics } from './prometheus.js';
import type { ProxyCollection } from './proxy-collection.js';
import { parseJson, populateInputs, proxyInput, proxyPatch, toxicInput, toxicPatch } from './requests.js';
import { toxicJson } from './toxics/types.js';

/** The version `/version` reports: the Toxiproxy API level we speak, marked as ours. */
export const TOXIPROXY_VERSION = '2.12.0-relaybench';

/** Request bodies are a few hundred bytes; refuse anything absurd rather than buffer it. */
const MAX_BODY_BYTES = 1 << 20;

type Reply =
  { status: number; json: unknown } | { status: number; text: string; contentType: string } | { status: 204 };

interface Request {
  params: string[];
  body(): Promise<unknown>;
}

type Handler = (request: Request) => Reply | Promise<Reply>;

interface Route {
  /** Literal segments, or ':' for a path parameter. */
  pattern: readonly string[];
  methods: Readonly<Record<string, Handler>>;
}

export function statusFor(kind: ChaosErrorKind): number {
  switch (kind) {
    case 'bad_request':
      return 400;
    case 'not_found':
      return 404;
    case 'conflict':
      return 409;
    case 'internal':
      return 500;
    default: {
      const unreachable: never = kind;
      return unreachable;
    }
  }
}

/** Builds the request listener for `http.createServer`. */
export function createApiHandler(collection: ProxyCollection): (req: IncomingMessage, res: ServerResponse) => void {
  const routes = buildRoutes(collection);
  return (req, res) => {
    void handle(routes, req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, errorReply(error));
      else res.destroy();
    });
  };
}

function buildRoutes(proxies: ProxyCollection): Route[] {
  // Lookups come before body decoding, so a missing proxy or toxic is a 404 whatever the body (as in api.go).
  const updateProxy: Handler = async ({ params: [name], body }) => {
    proxies.get(name as string);
    return ok((await proxies.update(name as string, proxyPatch(await body()))).toJSON());
  };
  const updateToxic: Handler = async ({ params: [name, toxic], body }) => {
    const proxy = proxies.get(name as string);
    proxy.getToxic(toxic as string);
    return ok(toxicJson(proxy.updateToxic(toxic as string, toxicPatch(await body()))));
  };
  return [
    {
      pattern: ['reset'],
      methods: {
        POST: async () => {
          await proxies.reset();
          return { status: 204 };
        },
      },
    },
    {
      pattern: ['proxies'],
      methods: {
        GET: () => ok(Object.fromEntries(proxies.list().map((proxy) => [proxy.name, proxy.toJSON()]))),
        POST: async ({ body }) => ({ status: 201, json: (await proxies.create(proxyInput(await body()))).toJSON() }),
      },
    },
    {
      pattern: ['populate'],
      methods: {
        POST: async ({ body }) => {
          const created = await proxies.populate(populateInputs(await body()));
          return { status: 201, json: { proxies: created.map((proxy) => proxy.toJSON()) } };
        },
      },
    },
    {
      pattern: ['proxies', ':'],
      methods: {
        GET: ({ params: [name] }) => ok(proxies.get(name as string).toJSON()),
        POST: updateProxy,
        PATCH: updateProxy,
        DELETE: async ({ params: [name] }) => {
          await proxies.remove(name as string);
          return { status: 204 };
        },
      },
    },
    {
      pattern: ['proxies', ':', 'toxics'],
      methods: {
        GET: ({ params: [name] }) =>
          ok(
            proxies
              .get(name as string)
              .listToxics()
              .map(toxicJson),
          ),
        POST: async ({ params: [name], body }) => {
          const proxy = proxies.get(name as string);
          return ok(toxicJson(proxy.addToxic(toxicInput(await body()))));
        },
      },
    },
    {
      pattern: ['proxies', ':', 'toxics', ':'],
      methods: {
        GET: ({ params: [name, toxic] }) => ok(toxicJson(proxies.get(name as string).getToxic(toxic as string))),
        POST: updateToxic,
        PATCH: updateToxic,
        DELETE: ({ params: [name, toxic] }) => {
          proxies.get(name as string).removeToxic(toxic as string);
          return { status: 204 };
        },
      },
    },
    {
      pattern: ['version'],
      methods: {
        // Byte for byte what Toxiproxy writes, including the space and the newline.
        GET: () => ({
          status: 200,
          text: `{"version": "${TOXIPROXY_VERSION}"}\n`,
          contentType: 'application/json;charset=utf-8',
        }),
      },
    },
    {
      pattern: ['metrics'],
      methods: {
        GET: () => ({
          status: 200,
          text: renderMetrics(proxies.list()),
          contentType: 'text/plain; version=0.0.4; charset=utf-8',
        }),
      },
    },
  ];
}

async function handle(routes: readonly Route[], req: IncomingMessage, res: ServerResponse): Promise<void> {
  // Like Toxiproxy: a browser must not be able to drive the fault plane from a web page (CSRF).
  if ((req.headers['user-agent'] ?? '').startsWith('Mozilla/')) {
    req.resume();
    send(res, { status: 403, text: 'User agent not allowed\n', contentType: 'text/plain; charset=utf-8' });
    return;
  }
  const segments = pathSegments(req.url ?? '/');
  const match = segments && matchRoute(routes, segments);
  if (!match) {
    req.resume();
    send(res, { status: 404, text: '404 page not found\n', contentType: 'text/plain; charset=utf-8' });
    return;
  }
  const handler = match.route.methods[req.method ?? 'GET'];
  if (!handler) {
    req.resume();
    send(res, { status: 405, text: '', contentType: 'text/plain; charset=utf-8' });
    return;
  }
  let reply: Reply;
  try {
    reply = await handler({ params: match.params, body: () => readBody(req).then(parseJson) });
  } catch (error) {
    reply = errorReply(error);
  }
  req.resume();
  send(res, reply);
}

function pathSegments(url: string): string[] | undefined {
  const path = url.split('?')[0] ?? '';
  try {
    return path.split('/').slice(1).map(decodeURIComponent);
  } catch {
    return undefined;
  }
}

function matchRoute(
  routes: readonly Route[],
  segments: readonly string[],
): { route: Route; params: string[] } | undefined {
  for (const route of routes) {
    if (route.pattern.length !== segments.length) continue;
    const params: string[] = [];
    const matches = route.pattern.every((part, i) => {
      const segment = segments[i] as string;
      if (part !== ':') return part === segment;
      params.push(segment);
      return segment.length > 0;
    });
    if (matches) return { route, params };
  }
  return undefined;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw badRequestBody(`request body larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function ok(json: unknown): Reply {
  return { status: 200, json };
}

function errorReply(error: unknown): Reply {
  const kind: ChaosErrorKind = error instanceof ChaosApiError ? error.kind : 'internal';
  const message = error instanceof Error ? error.message : String(error);
  const status = statusFor(kind);
  return { status, json: { error: message, status } };
}

function send(res: ServerResponse, reply: Reply): void {
  if (!('json' in reply) && !('text' in reply)) {
    res.writeHead(reply.status).end();
    return;
  }
  // As in api.go: bodies are bare json.Marshal output, error bodies end with a newline (http.Error).
  const [body, contentType] =
    'json' in reply
      ? [`${JSON.stringify(reply.json)}${reply.status >= 400 ? '\n' : ''}`, 'application/json']
      : [reply.text, reply.contentType];
  res.writeHead(reply.status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) }).end(body);
}
