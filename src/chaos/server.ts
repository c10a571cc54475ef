/**
 * The embedded Toxiproxy-compatible fault plane: the REST API (`api.ts`) over a collection of TCP
 * proxies (`proxy.ts`). Start one per run; `close()` tears down the API and every proxied byte.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FaultPlaneError } from '../errors.js';
import { formatHostPort } from './address.js';
import { createApiHandler } from './api.js';
import { ProxyCollection } from './proxy-collection.js';

export interface ToxiproxyServerOptions {
  /** Interface for the API. Default 127.0.0.1. */
  host?: string;
  /** API port; 0 picks an ephemeral one. Default 8474, Toxiproxy's. */
  port?: number;
  /** Seeds every random draw (toxicity, jitter, slicing). Default 1. */
  seed?: number;
}

export interface RunningToxiproxyServer {
  /** Base URL of the API, e.g. `http://127.0.0.1:8474`. */
  url: string;
  /** Closes the API server, every proxy listener and every proxied connection. */
  close(): Promise<void>;
}

const DEFAULTS = Object.freeze({ host: '127.0.0.1', port: 8474, seed: 1 });

/**
 * Starts the embedded server and resolves once its API accepts requests.
 * Rejects with `FaultPlaneError` when the API cannot listen (e.g. the port is taken).
 */
export async function startToxiproxyServer(options: ToxiproxyServerOptions = {}): Promise<RunningToxiproxyServer> {
  const { host, port, seed } = { ...DEFAULTS, ...definedOnly(options) };
  const proxies = new ProxyCollection(seed);
  const http = createServer(createApiHandler(proxies));
  try {
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen({ host, port }, () => {
        http.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new FaultPlaneError(`fault plane API cannot listen on ${formatHostPort(host, port)}: ${reason}`, {
      cause: error,
    });
  }
  const bound = http.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${formatHostPort(bound.address, bound.port)}`,
    close: () => {
      closing ??= (async () => {
        const apiClosed = new Promise<void>((resolve) => http.close(() => resolve()));
        http.closeAllConnections();
        await Promise.all([apiClosed, proxies.close()]);
      })();
      return closing;
    },
  };
}

function definedOnly(options: ToxiproxyServerOptions): ToxiproxyServerOptions {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}
