/**
 * An external target started from a command: spawned in its own process group (so a shell and
 * whatever it starts are stopped together), its output kept in `target.log` in the run directory,
 * ready once `readyUrl` answers HTTP (any status below 500: a gateway may want a key on every
 * route). Stopped with SIGTERM to the group, then SIGKILL; also killed if the harness exits first.
 */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ServiceStartError } from '../errors.js';
import type { RunningService } from './services.js';

export interface CommandOptions {
  /** A list runs without a shell; a string runs under `sh -c`. */
  command: string | readonly string[];
  cwd: string;
  env: Record<string, string>;
  /** The target's base URL, reported as the service's url. */
  url: string;
  readyUrl: string;
  readyTimeoutMs: number;
  runDir: string;
  signal?: AbortSignal | undefined;
}

const POLL_MS = 100;
const TAIL_BYTES = 4000;

/** A port free right now on the loopback interface, for the gateway to listen on. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new ServiceStartError('could not find a free port');
  return address.port;
}

export async function startCommand(options: CommandOptions): Promise<RunningService> {
  const [file, args] =
    typeof options.command === 'string'
      ? ['sh', ['-c', options.command]]
      : [options.command[0]!, options.command.slice(1)];
  const shown = typeof options.command === 'string' ? options.command : options.command.join(' ');
  const logFile = join(options.runDir, 'target.log');
  const log = createWriteStream(logFile);
  const child = spawn(file, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  const keep = (chunk: Buffer): void => {
    log.write(chunk);
    tail = (tail + chunk.toString('utf8')).slice(-TAIL_BYTES);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited: string | undefined;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = `exited (code ${code}, signal ${signal})`;
      resolve();
    });
    child.once('error', (error) => {
      exited = `could not start: ${error.message}`;
      resolve();
    });
  });
  const killGroup = (signal: NodeJS.Signals): void => {
    if (child.pid === undefined || exited !== undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      child.kill(signal);
    }
  };
  // The runner's own services follow it out through IPC; a foreign command cannot, so kill it on exit.
  const onExit = (): void => killGroup('SIGKILL');
  process.once('exit', onExit);
  const stop = async (): Promise<void> => {
    process.off('exit', onExit);
    killGroup('SIGTERM');
    const timer = setTimeout(() => killGroup('SIGKILL'), 3000);
    await exit;
    clearTimeout(timer);
    await new Promise<void>((resolve) => log.end(() => resolve()));
  };

  const deadline = Date.now() + options.readyTimeoutMs;
  for (;;) {
    if (exited !== undefined || options.signal?.aborted || Date.now() > deadline) {
      const why =
        exited ??
        (options.signal?.aborted
          ? 'was interrupted before it was ready'
          : `did not answer ${options.readyUrl} within ${options.readyTimeoutMs} ms`);
      await stop();
      throw new ServiceStartError(
        `external target (${shown}) ${why}; output in ${logFile}${tail ? `\n${tail.trim()}` : ''}`,
      );
    }
    if (await answers(options.readyUrl)) break;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return { name: 'target', url: options.url, pid: child.pid!, stop };
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
    await response.body?.cancel();
    return response.status < 500;
  } catch {
    return false;
  }
}
