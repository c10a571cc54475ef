/**
 * All proxies of one server, by name: the state the REST layer drives. Mutations that open or close
 * listeners run one at a time, so concurrent API calls see each other's effects in order.
 */
import { parseHostPort } from './address.js';
import { badRequestBody, missingField, proxyAlreadyExists, proxyNotFound } from './errors.js';
import { Proxy, type ProxySettings } from './proxy.js';

/**
 * Listen address when a request leaves it empty. Toxiproxy would bind every interface; a fault
 * plane that serves a benchmark has no business on a public interface, so we stay on loopback.
 */
export const DEFAULT_LISTEN = '127.0.0.1:0';

/** A proxy as a create or populate request describes it. */
export interface ProxyInput {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
}

export class ProxyCollection {
  private readonly proxies = new Map<string, Proxy>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly seed: number) {}

  /** Every proxy, sorted by name. */
  list(): Proxy[] {
    return [...this.proxies.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  get(name: string): Proxy {
    const proxy = this.proxies.get(name);
    if (!proxy) throw proxyNotFound();
    return proxy;
  }

  create(input: ProxyInput): Promise<Proxy> {
    const checked = checkInput(input, '');
    return this.exclusive(async () => {
      if (this.proxies.has(checked.name)) throw proxyAlreadyExists();
      return this.open(checked);
    });
  }

  /**
   * Creates or replaces proxies in bulk. Everything is validated before anything changes; a proxy
   * whose listen and upstream already match is left untouched (connections and toxics included).
   */
  populate(inputs: readonly ProxyInput[]): Promise<Proxy[]> {
    const names = new Set<string>();
    const checked = inputs.map((input, i) => {
      const proxy = checkInput(input, ` at proxy ${i + 1}`);
      if (names.has(proxy.name)) throw badRequestBody(`duplicate proxy name "${proxy.name}"`);
      names.add(proxy.name);
      return proxy;
    });
    return this.exclusive(async () => {
      const result: Proxy[] = [];
      for (const input of checked) {
        const existing = this.proxies.get(input.name);
        if (existing && existing.listen === input.listen && existing.upstream === input.upstream) {
          result.push(existing);
          continue;
        }
        if (existing) {
          await existing.stop();
          this.proxies.delete(input.name);
        }
        result.push(await this.open(input));
      }
      return result;
    });
  }

  /** Merges `patch` over the proxy's current settings. */
  update(name: string, patch: Partial<ProxySettings>): Promise<Proxy> {
    return this.exclusive(async () => {
      const proxy = this.get(name);
      const settings: ProxySettings = {
        listen: patch.listen ?? proxy.listen,
        upstream: patch.upstream ?? proxy.upstream,
        enabled: patch.enabled ?? proxy.enabled,
      };
      checkAddress('listen', settings.listen);
      checkAddress('upstream', settings.upstream);
      await proxy.update(settings);
      return proxy;
    });
  }

  remove(name: string): Promise<void> {
    return this.exclusive(async () => {
      const proxy = this.get(name);
      this.proxies.delete(name);
      await proxy.stop();
    });
  }

  /** Re-enables every proxy and removes every toxic. */
  reset(): Promise<void> {
    return this.exclusive(async () => {
      for (const proxy of this.list()) {
        await proxy.start();
        proxy.removeAllToxics();
      }
    });
  }

  /** Stops every proxy and forgets them all. */
  close(): Promise<void> {
    return this.exclusive(async () => {
      const proxies = this.list();
      this.proxies.clear();
      await Promise.all(proxies.map((proxy) => proxy.stop()));
    });
  }

  private async open(input: ProxyInput): Promise<Proxy> {
    const proxy = new Proxy(input.name, input.listen, input.upstream, this.seed);
    if (input.enabled) await proxy.start();
    this.proxies.set(input.name, proxy);
    return proxy;
  }

  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

function checkInput(input: ProxyInput, where: string): ProxyInput {
  if (input.name.length === 0) throw missingField(`name${where}`);
  if (input.upstream.length === 0) throw missingField(`upstream${where}`);
  const listen = input.listen || DEFAULT_LISTEN;
  checkAddress('listen', listen);
  checkAddress('upstream', input.upstream);
  return { ...input, listen };
}

function checkAddress(field: 'listen' | 'upstream', value: string): void {
  const address = parseHostPort(value);
  if (!address || (field === 'upstream' && address.port === 0)) {
    throw badRequestBody(
      `${field} must be a host:port address${field === 'upstream' ? ' with a port from 1 to 65535' : ''}, got "${value}"`,
    );
  }
}
