/**
 * A test-only {@link UpstreamClient} on global `fetch`, for HTTP mocks that hook `fetch` but not
 * undici's `Agent`. Same contract as the relay's client (src/relay/upstream.ts): `send` resolves
 * once the whole body is read; `stream` resolves at the response headers, arms the TTFB guard
 * until `firstContent()`, and hands the body over as Buffers; the abort reason is what rejects.
 * Redirects are not followed and bodies over `upstreamDefaults.maxResponseBytes` fail, as there.
 * `close()` destroys the streams still open; pooled sockets belong to the global dispatcher.
 */
import { ttfbGuardFor, type TtfbGuard } from '../../../../src/relay/upstream/ttfb-guard.js';
import {
  upstreamDefaults,
  type UpstreamClient,
  type UpstreamHeaders,
  type UpstreamRequest,
  type UpstreamStream,
} from '../../../../src/relay/upstream/client.js';

type BodyReader = ReadableStreamDefaultReader<Uint8Array>;

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

export function createFetchUpstream(): UpstreamClient {
  const open = new Set<FetchStream>();
  return {
    async send(request) {
      const started = performance.now();
      const res = await post(request, request.signal);
      const body = await readBody(res.body?.getReader());
      return {
        status: res.status,
        contentType: res.headers.get('content-type') ?? undefined,
        headers: headersOf(res.headers),
        body,
        elapsedMs: performance.now() - started,
      };
    },

    async stream(request) {
      const guard = ttfbGuardFor(request.signal, request.ttfbTimeoutMs);
      let res: Response;
      try {
        res = await post(request, guard?.signal ?? request.signal);
      } catch (error) {
        guard?.dispose();
        throw error;
      }
      const stream = new FetchStream(res, guard, open);
      open.add(stream);
      return stream;
    },

    async close() {
      for (const stream of open) stream.destroy();
    },
  };
}

class FetchStream implements UpstreamStream {
  readonly status: number;
  readonly contentType: string | undefined;
  readonly headers: UpstreamHeaders;
  readonly body: AsyncIterator<Buffer>;
  private readonly reader: BodyReader | undefined;
  /** The body ended or was cancelled: nothing left to close. */
  private finished: boolean;

  constructor(
    res: Response,
    private readonly guard: TtfbGuard | undefined,
    private readonly open: Set<FetchStream>,
  ) {
    this.status = res.status;
    this.contentType = res.headers.get('content-type') ?? undefined;
    this.headers = headersOf(res.headers);
    this.reader = res.body?.getReader();
    this.finished = this.reader === undefined;
    this.body = { next: () => this.next() };
  }

  firstContent(): void {
    this.guard?.disarm();
  }

  async readAll(): Promise<Buffer> {
    try {
      return await readBody(this.reader);
    } finally {
      this.destroy();
    }
  }

  destroy(): void {
    this.guard?.dispose();
    this.open.delete(this);
    if (this.finished) return;
    this.finished = true;
    // Cancelling the reader aborts the fetch body and frees its connection.
    this.reader?.cancel().catch(() => {});
  }

  release(): void {
    this.guard?.dispose();
    void this.drain();
  }

  /** `next()` rejects with the stream's error: the abort reason, or a TypeError whose cause is the socket error. */
  private async next(): Promise<IteratorResult<Buffer>> {
    if (this.reader === undefined || this.finished) return DONE;
    const read = await this.reader.read();
    if (read.done) {
      this.finished = true;
      this.open.delete(this);
      return DONE;
    }
    return { done: false, value: Buffer.from(read.value.buffer, read.value.byteOffset, read.value.byteLength) };
  }

  /** As the relay's client: read to EOF (usually one empty read) within a grace period, else destroy. */
  private async drain(): Promise<void> {
    const timer = setTimeout(() => this.destroy(), upstreamDefaults.releaseGraceMs).unref();
    try {
      for (let reads = 0; reads < 16; reads++) if ((await this.next()).done === true) return;
    } catch {
      // the body failed after its last event: nothing left to save
    } finally {
      clearTimeout(timer);
    }
    this.destroy();
  }
}

function post(request: UpstreamRequest, signal: AbortSignal): Promise<Response> {
  // A redirect is an answer the relay classifies, as undici's Agent hands it over.
  return fetch(`${request.origin}${request.path}`, {
    method: 'POST',
    headers: request.headers,
    body: request.body,
    signal,
    redirect: 'manual',
  });
}

/** Reads the (remaining) body; fails like undici's `maxResponseSize` on an oversized one. */
async function readBody(reader: BodyReader | undefined): Promise<Buffer> {
  if (reader === undefined) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const read = await reader.read();
      if (read.done) return Buffer.concat(chunks, size);
      size += read.value.byteLength;
      if (size > upstreamDefaults.maxResponseBytes) {
        throw Object.assign(new Error(`response body over ${upstreamDefaults.maxResponseBytes} bytes`), {
          code: 'UND_ERR_RES_EXCEEDED_MAX_SIZE',
        });
      }
      chunks.push(read.value);
    }
  } catch (error) {
    reader.cancel().catch(() => {});
    throw error;
  }
}

/** Lower-case names as undici gives them; `set-cookie` stays a list. */
function headersOf(headers: Headers): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  headers.forEach((value, name) => {
    out[name] = value;
  });
  const cookies = headers.getSetCookie();
  if (cookies.length > 0) out['set-cookie'] = cookies;
  return out;
}
