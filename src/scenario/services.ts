/**
 * Services the runner starts (mock providers, fault plane, relay), each in its own child process
 * for benchmark fidelity. A child reports readiness over IPC and exits when the IPC channel
 * closes, so even a runner killed with SIGKILL leaves nothing behind.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ServiceStartError } from '../errors.js';

/** The CLI entry; children run `relaybench <serve-command> ...` from the same checkout. */
const CLI_ENTRY = fileURLToPath(new URL('../../bin/relaybench.js', import.meta.url));

export interface RunningService {
  name: string;
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export interface ServiceReadyMessage {
  type: 'ready';
  url: string;
}

const STDERR_TAIL_BYTES = 4000;

export interface StartServiceOptions {
  startTimeoutMs?: number;
  /** A TypeScript module to run instead of the CLI (benchmarks' yardsticks); loaded through tsx. */
  entry?: string;
}

/** Starts `relaybench <args>` (or `entry <args>`) in a child process and waits for it to report its URL. */
export function startService(
  name: string,
  args: readonly string[],
  options: StartServiceOptions = {},
): Promise<RunningService> {
  const startTimeoutMs = options.startTimeoutMs ?? 20_000;
  const child = fork(options.entry ?? CLI_ENTRY, [...args], {
    execArgv: options.entry ? ['--import', 'tsx'] : [],
    // Own process group: a terminal's Ctrl-C reaches the runner only, which then rolls back faults
    // before it stops the services in order.
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_TAIL_BYTES);
  });

  return new Promise<RunningService>((resolve, reject) => {
    const fail = (why: string): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(
        new ServiceStartError(`${name} (relaybench ${args.join(' ')}) ${why}${stderr ? `\n${stderr.trim()}` : ''}`),
      );
    };
    const timer = setTimeout(() => fail(`did not become ready within ${startTimeoutMs} ms`), startTimeoutMs);
    child.once('error', (error) => fail(`could not start: ${error.message}`));
    child.once('exit', (code, signal) => fail(`exited before it was ready (code ${code}, signal ${signal})`));
    child.on('message', (message: ServiceReadyMessage) => {
      if (message?.type !== 'ready') return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolve({ name, url: message.url, pid: child.pid!, stop: () => stopChild(child) });
    });
  });
}

/** SIGTERM, then SIGKILL if the child has not exited within `graceMs`. */
async function stopChild(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
  if (child.connected) child.disconnect();
}
