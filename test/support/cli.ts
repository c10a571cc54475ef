/** Runs the CLI as a user does: `node bin/relaybench.js ...` in a child process. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export const CLI = join(import.meta.dirname, '../../bin/relaybench.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: Record<string, string>;
  /** Sends `signal` (SIGINT by default) once stderr satisfies this; `twice` sends it again 50 ms later. */
  interruptAfter?: (stderr: string) => boolean;
  signal?: NodeJS.Signals;
  twice?: boolean;
}

export function relaybench(args: string[], options: CliOptions = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let interrupted = false;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      if (!interrupted && options.interruptAfter?.(stderr)) {
        interrupted = true;
        child.kill(options.signal ?? 'SIGINT');
        if (options.twice) setTimeout(() => child.kill(options.signal ?? 'SIGINT'), 50);
      }
    });
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
