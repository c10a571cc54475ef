/**
 * How a client reaches an origin that sits behind a TCP fault-plane proxy: the socket goes to the
 * proxy's address (`connectTo`), while the URL keeps the origin's real host, so the Host header,
 * the TLS server name (SNI) and certificate verification are all the origin's own. TLS passes
 * through the proxy untouched; verification stays on. A CA file adds to Node's trusted roots (a
 * stand-in's private CA) instead of replacing them.
 *
 * Used by our relay (a provider's `connectTo`/`caFile`) and by the harness (a direct target, a
 * remote mock's control API), so both dial the same way.
 */
import { readFileSync } from 'node:fs';
import { checkServerIdentity, createSecureContext, rootCertificates, type SecureContext } from 'node:tls';
import { buildConnector } from 'undici';
import { parseHostPort } from '../chaos/address.js';

export interface DialOptions {
  /** `host:port` to open the socket to instead of the URL's host (a fault-plane proxy). */
  readonly connectTo?: string | undefined;
  /** PEM file of an extra CA to trust (a stand-in's certificate issuer), added to the system roots. */
  readonly caFile?: string | undefined;
  /** Bounds TCP (and TLS) setup. */
  readonly timeoutMs?: number | undefined;
}

/** `connect` for an undici Pool/Client/Agent; undefined when nothing differs from a plain dial. */
export function connectorFor(options: DialOptions): buildConnector.connector | undefined {
  if (options.connectTo === undefined && options.caFile === undefined) return undefined;
  const base: buildConnector.BuildOptions = {
    ...(options.caFile === undefined ? {} : { secureContext: secureContextTrusting(options.caFile) }),
    ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs }),
  };
  if (options.connectTo === undefined) return buildConnector(base);
  const address = parseHostPort(options.connectTo);
  if (address === undefined || address.host === '') {
    throw new Error(`connectTo '${options.connectTo}' is not host:port`);
  }
  // Node verifies the certificate for `servername || host`; an IP origin sends no SNI, so without
  // this it would be checked against the proxy's address. One connector per origin host (a pool
  // has one origin, so usually one).
  const byHost = new Map<string, buildConnector.connector>();
  return (opts, callback) => {
    let connect = byHost.get(opts.hostname);
    if (connect === undefined) {
      const name = opts.hostname.replace(/^\[(.*)\]$/, '$1');
      connect = buildConnector({ ...base, checkServerIdentity: (_dialed, cert) => checkServerIdentity(name, cert) });
      byHost.set(opts.hostname, connect);
    }
    // `host` (the origin's, port included) still names the TLS server; only the socket moves.
    return connect({ ...opts, hostname: address.host, port: String(address.port) }, callback);
  };
}

const contexts = new Map<string, SecureContext>();

/**
 * One TLS context per CA file for the process. Passing `ca` to every connection instead would
 * parse the ~150 system roots again per handshake: measured, ~65 ms of CPU each, which turned a
 * 5 ms stand-in into a 1 s one at 20 req/s.
 */
export function secureContextTrusting(file: string): SecureContext {
  let context = contexts.get(file);
  if (context === undefined) {
    context = createSecureContext({ ca: trustedWith(file) });
    contexts.set(file, context);
  }
  return context;
}

/** Node's trusted roots plus the CA in `file`. */
export function trustedWith(file: string): string[] {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`ca_file '${file}': ${(error as Error).message}`, { cause: error });
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new Error(`ca_file '${file}': no PEM certificate in it`);
  return [...rootCertificates, pem];
}
