/**
 * `host:port` addresses as Toxiproxy's API writes them (Go's net.JoinHostPort): IPv6 hosts in
 * brackets, an empty host meaning every interface.
 */

export interface HostPort {
  /** Empty string: every interface (only meaningful for a listen address). */
  host: string;
  port: number;
}

/** Parses `host:port`, `[v6]:port` or `:port`; returns undefined when it is not an address. */
export function parseHostPort(address: string): HostPort | undefined {
  const match = /^(?:\[([^\]]*)\]|([^:[\]]*)):(\d{1,5})$/.exec(address);
  if (!match) return undefined;
  const port = Number(match[3]);
  if (port > 65_535) return undefined;
  return { host: match[1] ?? match[2] ?? '', port };
}

/** Formats a bound address the way Go prints `listener.Addr()`. */
export function formatHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
