/**
 * The health-check fetcher of a provider reached through `connectTo` / `caFile`: a GET on an undici
 * Agent of its own that dials exactly as the provider's requests do (`net/dial.ts`), so a check
 * crosses the same proxy and verifies the same certificate name.
 */
import { Agent, request } from 'undici';
import { connectorFor } from '../../net/dial.js';
import type { UpstreamDial } from '../contract.js';
import type { HealthFetch } from '../policies/health-check.js';

export interface DialedHealthFetch {
  readonly fetch: HealthFetch;
  /** Closes the agent's sockets. */
  close(): Promise<void>;
}

/** @param connectTimeoutMs bounds TCP and TLS setup of a check's connection. */
export function dialedHealthFetch(dial: UpstreamDial, connectTimeoutMs: number): DialedHealthFetch {
  const connect = connectorFor({ connectTo: dial.connectTo, caFile: dial.caFile, timeoutMs: connectTimeoutMs });
  const agent = new Agent(connect === undefined ? {} : { connect });
  return {
    fetch: async (url, init) => {
      const res = await request(url, { method: 'GET', headers: init.headers, signal: init.signal, dispatcher: agent });
      // Discarded so the socket goes back to the pool.
      await res.body.dump();
      return { status: res.statusCode };
    },
    close: () => agent.close(),
  };
}
