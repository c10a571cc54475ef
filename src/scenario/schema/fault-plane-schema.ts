/**
 * A scenario's `fault_plane:`: where the run's proxies listen on the fault plane's host, and the
 * address the relay and the harness use to reach them. The default is the loopback lab (both
 * 127.0.0.1). For a fault plane on another host (`TOXIPROXY_URL`, `--fault-plane`):
 *
 * ```yaml
 * fault_plane:
 *   listen_host: 0.0.0.0                          # on the fault plane's host
 *   advertise_host: toxiproxy.staging.internal    # how clients reach it
 * ```
 *
 * Without `advertise_host`, a specific `listen_host` is advertised as is, and a wildcard one
 * (0.0.0.0, ::) as the host of the fault plane's API URL. Providers' host names are resolved by
 * the fault plane's host (the proxy dials them), not by the harness's.
 */
import { z } from 'zod';

const host = z
  .string()
  .min(1)
  .regex(/^[A-Za-z0-9.:_-]+$/, 'expected a host name or an IP address (no scheme, no port)');

export const faultPlaneSchema = z.strictObject({
  /** Address the proxies listen on, on the fault plane's host. Default 127.0.0.1. */
  listen_host: host.default('127.0.0.1'),
  /** Address clients (the relay, the harness) reach the proxies at. Default: see above. */
  advertise_host: host.optional(),
});

export type FaultPlaneSpec = z.output<typeof faultPlaneSchema>;

const WILDCARD = new Set(['0.0.0.0', '::', '[::]']);

/** The host clients dial for a proxy, given the fault plane's API URL. */
export function advertisedHost(spec: FaultPlaneSpec, faultPlaneUrl: string): string {
  if (spec.advertise_host !== undefined) return spec.advertise_host;
  if (!WILDCARD.has(spec.listen_host)) return spec.listen_host;
  return new URL(faultPlaneUrl).hostname.replace(/^\[|\]$/g, '');
}
