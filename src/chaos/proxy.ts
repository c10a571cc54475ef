/**
 * A proxy: a TCP listener that forwards every accepted connection to its upstream through the
 * proxy's toxics. Toxic changes apply to live connections too. Disabling closes the listener (new
 * connects are refused) and every live connection; enabling listens again on the same address.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { deriveSeed } from '../random.js';
import { formatHostPort, parseHostPort, type HostPort } from './address.js';
import { Connection } from './connection.js';
import { ChaosApiError } from './errors.js';
import type { ByteCounters } from './link.js';
import { ToxicSet, type ToxicInput, type ToxicPatch } from './toxic-set.js';
import { toxicJson, type ActiveToxic, type Stream, type ToxicJson } from './toxics/types.js';

/** The proxy's JSON, field for field as Toxiproxy writes it. */
export interface ProxyJson {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
  toxics: ToxicJson[];
}

/** What an update may change; absent fields keep their value. */
export interface ProxySettings {
  listen: string;
  upstream: string;
  enabled: boolean;
}

export class Proxy {
  /** Bytes read and written per direction since the proxy was created. */
  readonly counters: Readonly<Record<Stream, ByteCounters>> = {
    upstream: { received: 0, sent: 0 },
    downstream: { received: 0, sent: 0 },
  };
  private listenAddress: string;
  private upstreamAddress: string;
  private server: Server | undefined;
  private readonly connections = new Set<Connection>();
  private readonly toxics = new ToxicSet();
  private readonly seed: number;
  private accepted = 0;

  /** `listen` and `upstream` must already be valid `host:port` strings (see `parseHostPort`). */
  constructor(
    readonly name: string,
    listen: string,
    upstream: string,
    serverSeed: number,
  ) {
    this.listenAddress = listen;
    this.upstreamAddress = upstream;
    this.seed = deriveSeed(serverSeed, `proxy:${name}`);
  }

  get enabled(): boolean {
    return this.server !== undefined;
  }

  /** The listen address; once started, the address actually bound (the real port for `:0`). */
  get listen(): string {
    return this.listenAddress;
  }

  get upstream(): string {
    return this.upstreamAddress;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Starts listening; a no-op when already enabled. */
  async start(): Promise<void> {
    if (this.server) return;
    const address = requireAddress(this.listenAddress);
    const server = createServer({ allowHalfOpen: true, noDelay: true }, (socket) => this.accept(socket));
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host: address.host || undefined, port: address.port }, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new ChaosApiError('internal', `listen tcp ${this.listenAddress}: ${reason}`, { cause: error });
    }
    server.on('error', () => {}); // accept errors (EMFILE...) must not crash the harness
    const bound = server.address() as AddressInfo;
    this.listenAddress = formatHostPort(bound.address, bound.port);
    this.server = server;
  }

  /** Stops listening and closes every live connection; resolves once all of their sockets are closed. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const listenerClosed = new Promise<void>((resolve) => server.close(() => resolve()));
    const connections = [...this.connections];
    for (const connection of connections) connection.destroy();
    await Promise.all([listenerClosed, ...connections.map((c) => c.closed)]);
  }

  /** Applies new settings; a new listen or upstream address restarts the proxy (dropping connections). */
  async update(settings: ProxySettings): Promise<void> {
    if (settings.listen !== this.listenAddress || settings.upstream !== this.upstreamAddress) {
      await this.stop();
      this.listenAddress = settings.listen;
      this.upstreamAddress = settings.upstream;
    }
    if (settings.enabled) await this.start();
    else await this.stop();
  }

  listToxics(): ActiveToxic[] {
    return this.toxics.list();
  }

  getToxic(name: string): ActiveToxic {
    return this.toxics.get(name);
  }

  addToxic(input: ToxicInput): ActiveToxic {
    const toxic = this.toxics.add(input);
    for (const connection of this.connections) connection.addToxic(toxic);
    return toxic;
  }

  updateToxic(name: string, patch: ToxicPatch): ActiveToxic {
    const toxic = this.toxics.update(name, patch);
    for (const connection of this.connections) connection.updateToxic(toxic);
    return toxic;
  }

  removeToxic(name: string): void {
    const toxic = this.toxics.remove(name);
    for (const connection of [...this.connections]) connection.removeToxic(toxic);
  }

  removeAllToxics(): void {
    for (const toxic of this.toxics.list()) this.removeToxic(toxic.name);
  }

  toJSON(): ProxyJson {
    return {
      name: this.name,
      listen: this.listenAddress,
      upstream: this.upstreamAddress,
      enabled: this.enabled,
      toxics: this.toxics.list().map(toxicJson),
    };
  }

  private accept(client: Socket): void {
    if (!this.server) {
      client.destroy();
      return;
    }
    const connection = new Connection({
      client,
      upstream: requireAddress(this.upstreamAddress),
      toxics: this.toxics.list(),
      seed: deriveSeed(this.seed, `connection:${++this.accepted}`),
      counters: this.counters,
    });
    this.connections.add(connection);
    void connection.closed.then(() => this.connections.delete(connection));
  }
}

function requireAddress(address: string): HostPort {
  const parsed = parseHostPort(address);
  if (!parsed) throw new ChaosApiError('bad_request', `bad request body: not a host:port address: "${address}"`);
  return parsed;
}
