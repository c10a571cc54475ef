/**
 * The HTTP transport to upstreams: keep-alive undici pools per origin. `send` resolves once
 * the whole body is read, so its timing covers the full answer; `stream` resolves at the response
 * headers and hands the body over unbuffered. A failed, aborted or abandoned body is destroyed so
 * its socket is never left half-read in the pool. A request with a `dial` (a provider's `connectTo`
 * / `caFile`) goes through a pool of its own that dials the way `net/dial.ts` says.
 */
import { Pool } from 'undici';
import { connectorFor } from '../../net/dial.js';
import type { UpstreamDial, UpstreamHeaders } from '../contract.js';
import { ttfbGuardFor } from './ttfb-guard.js';

export type { UpstreamDial, UpstreamHeaders };

export interface UpstreamRequest {
  readonly origin: string;
  /** How to reach `origin` when not by a plain dial; built once per target. */
  readonly dial?: UpstreamDial | undefined;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Buffer;
  /** Aborts the attempt; the rejection carries `signal.reason`. */
  readonly signal: AbortSignal;
}

export interface UpstreamStreamRequest extends UpstreamRequest {
  /** Aborts (TimeoutError) unless `firstContent()` is called within this many ms of sending. */
  readonly ttfbTimeoutMs?: number | undefined;
}

export interface UpstreamResponse {
  readonly status: number;
  readonly contentType: string | undefined;
  readonly headers: UpstreamHeaders;
  readonly body: Buffer;
  /** From send to the last body byte. */
  readonly elapsedMs: number;
}

/** A response whose body is still arriving. Call exactly one of `readAll`, `destroy`, `release` last. */
export interface UpstreamStream {
  readonly status: number;
  readonly contentType: string | undefined;
  readonly headers: UpstreamHeaders;
  /** Body chunks as they arrive; `next()` rejects on reset, abort or timeout. */
  readonly body: AsyncIterator<Buffer>;
  /** The first content chunk arrived: disarms the TTFB timer. */
  firstContent(): void;
  /** Reads the whole (remaining) body, e.g. an error answer. */
  readAll(): Promise<Buffer>;
  /** Stops reading and closes the connection unless the body already ended. Idempotent. */
  destroy(): void;
  /** The last event arrived: reads the little that is left to keep the socket, else destroys. */
  release(): void;
}

export interface UpstreamClient {
  /** POSTs and reads the whole answer; rejects on network errors and aborts. */
  send(request: UpstreamRequest): Promise<UpstreamResponse>;
  /** POSTs and resolves at the response headers; rejects on network errors and aborts before them. */
  stream(request: UpstreamStreamRequest): Promise<UpstreamStream>;
  /** Destroys every pooled connection. */
  close(): Promise<void>;
}

export const upstreamDefaults = Object.freeze({
  /** Idle sockets are dropped before typical server keep-alive timeouts (5 s in Node). */
  keepAliveTimeoutMs: 4_000,
  /** A larger answer is a misbehaving upstream, not a completion. */
  maxResponseBytes: 32 * 1024 * 1024,
  /** After a stream's last event, how long `release()` waits for the body to end before closing. */
  releaseGraceMs: 1_000,
});

/** Creates the relay's upstream client. `connectTimeoutMs` bounds TCP (and TLS) setup. */
export function createUpstreamClient(options: { readonly connectTimeoutMs: number }): UpstreamClient {
  const agent = new PoolsByOrigin(
    {
      keepAliveTimeout: upstreamDefaults.keepAliveTimeoutMs,
      maxResponseSize: upstreamDefaults.maxResponseBytes,
      connect: { timeout: options.connectTimeoutMs },
    },
    options.connectTimeoutMs,
  );

  return {
    async send(request) {
      const started = performance.now();
      const res = await agent.request(request, request.signal);
      let body: Buffer;
      try {
        body = Buffer.from(await res.body.arrayBuffer());
      } catch (error) {
        res.body.destroy();
        throw error;
      }
      return {
        status: res.statusCode,
        contentType: first(res.headers['content-type']),
        headers: res.headers,
        body,
        elapsedMs: performance.now() - started,
      };
    },

    async stream(request) {
      const guard = ttfbGuardFor(request.signal, request.ttfbTimeoutMs);
      let res: Awaited<ReturnType<Pool['request']>>;
      try {
        res = await agent.request(request, guard?.signal ?? request.signal);
      } catch (error) {
        guard?.dispose();
        throw error;
      }
      const body = res.body;
      // Created lazily by Node: no listener is attached until the first next().
      const iterator = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
      const destroy = (): void => {
        guard?.dispose();
        if (!body.destroyed) body.destroy();
      };
      return {
        status: res.statusCode,
        contentType: first(res.headers['content-type']),
        headers: res.headers,
        body: iterator,
        firstContent: () => guard?.disarm(),
        async readAll() {
          try {
            return Buffer.from(await body.arrayBuffer());
          } finally {
            destroy();
          }
        },
        destroy,
        release() {
          guard?.dispose();
          void drain(iterator, destroy);
        },
      };
    },

    close: () => agent.destroy(),
  };
}

/**
 * One undici Pool per upstream origin (and way of dialing it), looked up in a Map. Does what an
 * undici Agent does for us, minus its per-request dispatch layers (measured: a visible share of
 * the relay's CPU per request).
 */
class PoolsByOrigin {
  private readonly pools = new Map<string, Pool>();

  constructor(
    private readonly options: Pool.Options,
    private readonly connectTimeoutMs: number,
  ) {}

  request(request: UpstreamRequest, signal: AbortSignal): ReturnType<Pool['request']> {
    // A plain target's key is its origin: no string is built per request.
    const key = request.dial === undefined ? request.origin : request.dial.key;
    let pool = this.pools.get(key);
    if (pool === undefined) {
      pool = this.create(request.origin, request.dial);
      this.pools.set(key, pool);
    }
    const { path, headers, body } = request;
    return pool.request({ path, method: 'POST', headers, body, signal });
  }

  async destroy(): Promise<void> {
    await Promise.all([...this.pools.values()].map((pool) => pool.destroy()));
    this.pools.clear();
  }

  private create(origin: string, dial: UpstreamDial | undefined): Pool {
    if (dial === undefined) return new Pool(origin, this.options);
    const connect = connectorFor({ connectTo: dial.connectTo, caFile: dial.caFile, timeoutMs: this.connectTimeoutMs });
    return new Pool(origin, connect === undefined ? this.options : { ...this.options, connect });
  }
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Reads to EOF (usually one empty read) so undici can reuse the socket; closes it if that lags. */
async function drain(iterator: AsyncIterator<Buffer>, destroy: () => void): Promise<void> {
  // Only streams that end with a terminal event before EOF get here; the timer bounds a lingering upstream.
  const timer = setTimeout(destroy, upstreamDefaults.releaseGraceMs).unref();
  try {
    for (let reads = 0; reads < 16; reads++) if ((await iterator.next()).done === true) return;
  } catch {
    // the body failed after its last event: nothing left to save
  } finally {
    clearTimeout(timer);
  }
  destroy();
}
