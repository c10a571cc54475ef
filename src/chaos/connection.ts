/**
 * One proxied client connection: the accepted client socket, the socket we open to the upstream,
 * and a link per direction (upstream = client -> server, downstream = server -> client). Half-closes
 * pass through; the connection is torn down when both directions are finished or a toxic ends it.
 */
import { connect, type Socket } from 'node:net';
import { Link, type ByteCounters, type LinkHost } from './link.js';
import type { ActiveToxic, Stream } from './toxics/types.js';
import type { HostPort } from './address.js';

/** How long a closing socket may take to flush before it is destroyed anyway (a peer that never reads). */
const FLUSH_GRACE_MS = 10_000;

export interface ConnectionOptions {
  client: Socket;
  upstream: HostPort;
  toxics: readonly ActiveToxic[];
  seed: number;
  counters: Readonly<Record<Stream, ByteCounters>>;
}

export class Connection implements LinkHost {
  readonly seed: number;
  /** Resolves once both sockets are closed and every toxic timer is cleared. */
  readonly closed: Promise<void>;
  private readonly client: Socket;
  private readonly server: Socket;
  private readonly links: Readonly<Record<Stream, Link>>;
  private tearingDown = false;

  constructor(options: ConnectionOptions) {
    this.seed = options.seed;
    this.client = options.client;
    this.client.setNoDelay(true);
    this.server = connect({
      host: options.upstream.host,
      port: options.upstream.port,
      allowHalfOpen: true,
      noDelay: true,
    });
    // Socket errors surface as 'close', which is where they are handled.
    this.client.on('error', ignore);
    this.server.on('error', ignore);
    this.links = {
      upstream: new Link('upstream', this.client, this.server, this, options.counters.upstream, options.toxics),
      downstream: new Link('downstream', this.server, this.client, this, options.counters.downstream, options.toxics),
    };
    this.closed = Promise.all([
      onClose(this.client, () => {
        this.links.upstream.sourceClosed();
        this.links.downstream.destClosed();
      }),
      onClose(this.server, () => {
        this.links.downstream.sourceClosed();
        this.links.upstream.destClosed();
      }),
    ]).then(() => {
      this.links.upstream.dispose();
      this.links.downstream.dispose();
    });
  }

  addToxic(toxic: ActiveToxic): void {
    this.links[toxic.stream].add(toxic);
  }

  updateToxic(toxic: ActiveToxic): void {
    this.links[toxic.stream].update(toxic);
  }

  removeToxic(toxic: ActiveToxic): void {
    this.links[toxic.stream].remove(toxic.name);
  }

  linkDone(): void {
    if (!this.links.upstream.done || !this.links.downstream.done) return;
    // Both directions have ended: what is still open is only waiting for its last bytes to flush.
    endThenDestroy(this.client);
    endThenDestroy(this.server);
  }

  /** Closes both sides with a FIN once what was already written has been flushed. */
  close(): void {
    if (!this.beginTeardown()) return;
    endThenDestroy(this.client);
    endThenDestroy(this.server);
  }

  /** Resets both sides with a TCP RST: the peers see ECONNRESET. */
  reset(): void {
    if (!this.beginTeardown()) return;
    for (const socket of [this.client, this.server]) {
      if (!socket.destroyed) socket.resetAndDestroy();
    }
  }

  /** Closes both sides at once, dropping anything unsent (the proxy is going down). */
  destroy(): void {
    if (!this.beginTeardown()) return;
    this.client.destroy();
    this.server.destroy();
  }

  private beginTeardown(): boolean {
    if (this.tearingDown) return false;
    this.tearingDown = true;
    this.links.upstream.dispose();
    this.links.downstream.dispose();
    return true;
  }
}

function ignore(): void {}

function onClose(socket: Socket, handle: () => void): Promise<void> {
  return new Promise((resolve) => {
    socket.once('close', () => {
      handle();
      resolve();
    });
  });
}

function endThenDestroy(socket: Socket): void {
  if (socket.destroyed) return;
  if (socket.writableFinished) {
    socket.destroy();
    return;
  }
  const grace = setTimeout(() => socket.destroy(), FLUSH_GRACE_MS);
  grace.unref();
  socket.once('close', () => clearTimeout(grace));
  socket.once('finish', () => socket.destroy());
  socket.end();
}
