/**
 * The HTTP transport to upstreams: one keep-alive undici `Agent` per relay. A call resolves only
 * once the whole body is read, so the timing covers the full answer; a failed or aborted body is
 * destroyed so its socket is never left half-read in the pool.
 */
import { Agent } from 'undici';

export interface UpstreamRequest {
  readonly origin: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Buffer;
  /** Aborts the attempt; the rejection carries `signal.reason`. */
  readonly signal: AbortSignal;
}

export interface UpstreamResponse {
  readonly status: number;
  readonly contentType: string | undefined;
  readonly body: Buffer;
  /** From send to the last body byte. */
  readonly elapsedMs: number;
}

export interface UpstreamClient {
  /** POSTs and reads the whole answer; rejects on network errors and aborts. */
  send(request: UpstreamRequest): Promise<UpstreamResponse>;
  /** Destroys every pooled connection. */
  close(): Promise<void>;
}

export const upstreamDefaults = Object.freeze({
  /** Idle sockets are dropped before typical server keep-alive timeouts (5 s in Node). */
  keepAliveTimeoutMs: 4_000,
  /** A larger answer is a misbehaving upstream, not a completion. */
  maxResponseBytes: 32 * 1024 * 1024,
});

/** Creates the relay's upstream client. `connectTimeoutMs` bounds TCP (and TLS) setup. */
export function createUpstreamClient(options: { readonly connectTimeoutMs: number }): UpstreamClient {
  const agent = new Agent({
    keepAliveTimeout: upstreamDefaults.keepAliveTimeoutMs,
    maxResponseSize: upstreamDefaults.maxResponseBytes,
    connect: { timeout: options.connectTimeoutMs },
  });

  return {
    async send(request) {
      const started = performance.now();
      const res = await agent.request({
        origin: request.origin,
        path: request.path,
        method: 'POST',
        headers: request.headers,
        body: request.body,
        signal: request.signal,
      });
      let body: Buffer;
      try {
        body = Buffer.from(await res.body.arrayBuffer());
      } catch (error) {
        res.body.destroy();
        throw error;
      }
      const contentType = res.headers['content-type'];
      return {
        status: res.statusCode,
        contentType: Array.isArray(contentType) ? contentType[0] : contentType,
        body,
        elapsedMs: performance.now() - started,
      };
    },
    close: () => agent.destroy(),
  };
}
