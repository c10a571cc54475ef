/**
 * Read timeouts of the relay's node:http server, so a client that sends its headers or body
 * slowly (or never) is answered 408 and disconnected instead of holding a socket for node's
 * 300 s default. node checks every connection still receiving a request on one shared interval
 * (no per-request timer); the interval is a fraction of the shortest timeout, so a timeout fires
 * at most that much late.
 */
import type { ServerOptions } from 'node:http';
import type { ServerConfig } from '../config.js';

/** node:http server options enforcing `headersTimeoutMs` and `bodyTimeoutMs`. */
export function readTimeoutOptions(server: Pick<ServerConfig, 'headersTimeoutMs' | 'bodyTimeoutMs'>): ServerOptions {
  const { headersTimeoutMs, bodyTimeoutMs } = server;
  return {
    headersTimeout: headersTimeoutMs,
    // node measures the whole request from its first byte; the body gets what the headers left, at least bodyTimeoutMs.
    requestTimeout: headersTimeoutMs + bodyTimeoutMs,
    connectionsCheckingInterval: Math.max(
      50,
      Math.min(1_000, Math.floor(Math.min(headersTimeoutMs, bodyTimeoutMs) / 4)),
    ),
  };
}
