/**
 * The child side of a service: announce readiness to the parent runner over IPC (and to a human
 * on stdout), and shut down cleanly on SIGTERM/SIGINT or when the parent goes away.
 */
import type { ServiceReadyMessage } from '../scenario/fixture/services.js';

export interface Closable {
  url: string;
  close(): Promise<void>;
}

export function serveUntilStopped(what: string, service: Closable): void {
  let closing = false;
  const shutdown = (): void => {
    if (closing) return;
    closing = true;
    void service.close().finally(() => process.exit(0));
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  if (process.send) {
    // Started by a runner: its exit (even SIGKILL) closes the channel, and we follow it.
    process.once('disconnect', shutdown);
    const ready: ServiceReadyMessage = { type: 'ready', url: service.url };
    process.send(ready);
  } else {
    process.stdout.write(`${what} listening on ${service.url} (Ctrl-C to stop)\n`);
  }
}
