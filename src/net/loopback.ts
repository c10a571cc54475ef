/**
 * Which hosts are this machine: `localhost`, 127.0.0.0/8 and ::1. Anything else is beyond it,
 * and sending traffic there is an explicit choice (`--allow-remote`).
 */

/** Whether `host` (a URL's hostname, brackets allowed) names this machine's loopback. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare.endsWith('.localhost') || bare === '::1' || /^127(\.\d{1,3}){3}$/.test(bare);
}

/** `host:port` of a URL, with the scheme's default port (what a TCP proxy dials). */
export function hostPortOf(url: string): string {
  const parsed = new URL(url);
  const port = parsed.port || (parsed.protocol === 'https:' ? '443' : '80');
  return `${parsed.hostname}:${port}`;
}
