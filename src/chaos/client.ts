/**
 * The harness's only way to the fault plane: a thin typed wrapper of `toxiproxy-node-client`, so
 * our embedded server and a real Toxiproxy (TOXIPROXY_URL) are driven by the same calls.
 */
import { Toxiproxy, type Proxy as ToxiproxyProxy } from 'toxiproxy-node-client';
import { FaultPlaneError } from '../errors.js';
import { formatHostPort } from './address.js';

/** A fault as the harness asks for it. `down` disables the proxy; other types are toxics. */
export interface FaultRequest {
  type: string;
  stream: 'upstream' | 'downstream';
  toxicity: number;
  attributes: Record<string, number>;
}

/** What it takes to undo an applied fault. */
export type AppliedFault = { kind: 'down'; proxy: string } | { kind: 'toxic'; proxy: string; toxic: string };

export interface ProxyInfo {
  name: string;
  /** host:port the proxy listens on. */
  listen: string;
  upstream: string;
  enabled: boolean;
  toxics: number;
}

/** Longest a fault-plane API call may take. */
const CALL_TIMEOUT_MS = 5000;

export class FaultPlaneClient {
  private readonly api: Toxiproxy;
  private toxicCounter = 0;

  constructor(readonly url: string) {
    this.api = new Toxiproxy(url.replace(/\/$/, ''));
  }

  /**
   * Throws a FaultPlaneError naming why the API does not answer (ECONNREFUSED, ENOTFOUND, a
   * timeout...), which the client package's own errors no longer say.
   */
  async checkReachable(): Promise<void> {
    try {
      const response = await fetch(`${this.url.replace(/\/$/, '')}/version`, {
        signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
      });
      await response.body?.cancel();
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const reason = cause?.code ?? cause?.message ?? (error as Error).message;
      throw new FaultPlaneError(`fault plane at ${this.url} is unreachable: ${reason}`, { cause: error });
    }
  }

  async version(): Promise<string> {
    return this.call('read the version', () => this.api.getVersion());
  }

  /**
   * Creates a proxy in front of `upstream` (host:port, resolved by the fault plane's host) and
   * returns where it listens. Port 0 (the default) lets the fault plane pick a free port; a fixed
   * port is for a deployed relay configured to call the proxies at known addresses.
   */
  async createProxy(name: string, upstream: string, listenHost = '127.0.0.1', listenPort = 0): Promise<ProxyInfo> {
    if (!Number.isInteger(listenPort) || listenPort < 0 || listenPort > 65535) {
      throw new FaultPlaneError(`proxy '${name}': listen port must be an integer from 0 to 65535, got ${listenPort}`);
    }
    // An IPv6 listen host needs brackets in host:port.
    const listen = listenHost.startsWith('[') ? `${listenHost}:${listenPort}` : formatHostPort(listenHost, listenPort);
    const proxy = await this.call(`create proxy '${name}'`, () => this.api.createProxy({ name, upstream, listen }));
    return { name: proxy.name, listen: proxy.listen, upstream: proxy.upstream, enabled: proxy.enabled, toxics: 0 };
  }

  async deleteProxy(name: string): Promise<void> {
    const proxy = await this.find(name);
    if (proxy) await this.call(`delete proxy '${name}'`, () => proxy.remove());
  }

  async listProxies(): Promise<ProxyInfo[]> {
    // The package's Proxy objects drop the toxic list, so read the raw index it fetched.
    const response = await this.call('list proxies', () => this.api.getApi().get(`${this.api.host}/proxies`));
    const index = (response.data ?? {}) as Record<string, Omit<ProxyInfo, 'toxics'> & { toxics?: unknown[] }>;
    return Object.values(index).map((p) => ({ ...p, toxics: p.toxics?.length ?? 0 }));
  }

  /** Applies a fault to a proxy; resolves once the fault plane has confirmed it. */
  async apply(proxyName: string, fault: FaultRequest): Promise<AppliedFault> {
    const proxy = await this.call(`find proxy '${proxyName}'`, () => this.api.get(proxyName));
    if (fault.type === 'down') {
      await this.call(`disable proxy '${proxyName}'`, () =>
        proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream }),
      );
      return { kind: 'down', proxy: proxyName };
    }
    const toxic = `relaybench_${fault.type}_${++this.toxicCounter}`;
    await this.call(`add ${fault.type} to '${proxyName}'`, () =>
      proxy.addToxic({
        name: toxic,
        type: fault.type as never,
        stream: fault.stream,
        toxicity: fault.toxicity,
        attributes: fault.attributes,
      }),
    );
    return { kind: 'toxic', proxy: proxyName, toxic };
  }

  /** Undoes an applied fault; a proxy or toxic that is already gone counts as undone. */
  async remove(applied: AppliedFault): Promise<void> {
    const proxy = await this.find(applied.proxy);
    if (!proxy) return;
    if (applied.kind === 'down') {
      await this.call(`enable proxy '${applied.proxy}'`, () =>
        proxy.update({ enabled: true, listen: proxy.listen, upstream: proxy.upstream }),
      );
      return;
    }
    try {
      await this.call(`remove toxic '${applied.toxic}'`, () =>
        this.api.getApi().delete(`${proxy.getPath()}/toxics/${applied.toxic}`),
      );
    } catch (error) {
      if (!/status code 404/.test((error as Error).message)) throw error;
    }
  }

  private async find(name: string): Promise<ToxiproxyProxy | undefined> {
    const all = await this.call('list proxies', () => this.api.getAll());
    return all[name];
  }

  private async call<T>(what: string, action: () => Promise<T>): Promise<T> {
    // The package's calls take no signal: bound them here, or a hung server would stall rollback forever.
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${CALL_TIMEOUT_MS} ms`)), CALL_TIMEOUT_MS);
    });
    try {
      return await Promise.race([action(), timeout]);
    } catch (error) {
      throw new FaultPlaneError(`fault plane at ${this.url}: could not ${what}: ${(error as Error).message}`, {
        cause: error,
      });
    } finally {
      clearTimeout(timer);
    }
  }
}
