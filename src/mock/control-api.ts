/**
 * The mock's runtime control API, on the mock's own port under `/_mock/`:
 *
 * - `POST /_mock/faults` `{ kind, rate?, status?, retryAfter?, ms?, afterChunks?, key?, for? }` -> 201 the fault with its `id`
 * - `GET /_mock/faults` -> `{ faults: [...] }` (active ones); `GET|DELETE /_mock/faults/{id}` (404 unknown);
 *   `DELETE /_mock/faults` -> 200 `{ removed }`
 * - `GET /_mock/log[?since=seq]` -> `{ entries: [...] }`: the requests served, with attribution and outcome
 * - `GET /_mock/stats` -> tallies
 *
 * Errors as `{ error, status }`; a bad fault body is a 400 naming the field and the value.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLargeError, readBody } from '../read-body.js';
import { parseFaultSpec } from './fault-spec.js';
import { faultJson, type FaultTable } from './fault-table.js';
import { sendJson } from './http-io.js';
import type { RequestLog } from './request-log.js';

export const CONTROL_PREFIX = '/_mock/';
const MAX_CONTROL_BODY = 64 * 1024;

export interface ControlTarget {
  readonly faults: FaultTable;
  readonly log: RequestLog;
  stats(): Record<string, unknown>;
}

/** Answers a request under {@link CONTROL_PREFIX}. */
export async function handleControl(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  query: URLSearchParams,
  target: ControlTarget,
): Promise<void> {
  const method = req.method ?? 'GET';
  if (path === '/_mock/faults') {
    if (method === 'POST') return createFault(req, res, target);
    req.resume();
    if (method === 'GET') return sendJson(res, 200, { faults: target.faults.list().map(faultJson) });
    if (method === 'DELETE') return sendJson(res, 200, { removed: target.faults.clear() });
    return error(res, 405, `method ${method} not allowed on ${path}`);
  }
  req.resume();
  if (path.startsWith('/_mock/faults/')) {
    const id = decodeURIComponent(path.slice('/_mock/faults/'.length));
    if (method === 'GET') {
      const fault = target.faults.list().find((f) => f.id === id);
      return fault === undefined ? error(res, 404, `fault not found: ${id}`) : sendJson(res, 200, faultJson(fault));
    }
    if (method !== 'DELETE') return error(res, 405, `method ${method} not allowed on ${path}`);
    if (!target.faults.remove(id)) return error(res, 404, `fault not found: ${id}`);
    res.writeHead(204).end();
    return;
  }
  if (method === 'GET' && path === '/_mock/log') {
    const raw = query.get('since');
    const since = Number(raw ?? 0);
    if (!Number.isInteger(since) || since < 0)
      return error(res, 400, `query 'since': expected an integer >= 0, received ${JSON.stringify(raw)}`);
    return sendJson(res, 200, { entries: target.log.entriesJson(since) });
  }
  if (method === 'GET' && path === '/_mock/stats') return sendJson(res, 200, target.stats());
  return error(res, 404, `no control route ${method} ${path}`);
}

async function createFault(req: IncomingMessage, res: ServerResponse, target: ControlTarget): Promise<void> {
  let body: unknown;
  try {
    body = JSON.parse((await readBody(req, MAX_CONTROL_BODY)).toString('utf8'));
  } catch (cause) {
    if (cause instanceof BodyTooLargeError) return error(res, 413, cause.message);
    return error(res, 400, `fault: body is not JSON: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
  const parsed = parseFaultSpec(body);
  if (!parsed.ok) return error(res, 400, parsed.problems.join('; '));
  sendJson(res, 201, faultJson(target.faults.add(parsed.spec)));
}

function error(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, { error: message, status });
}
