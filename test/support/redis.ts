/**
 * A throwaway real `redis-server` for tests (Debian's `redis-server` package): started on a free
 * loopback port with no persistence, stopped by its pid. Under `CI` a missing binary is an error
 * (`.ci/run` installs it); elsewhere the tests that need it are skipped with a hint.
 *
 * ```ts
 * const redisMissing = redisSkipReason();
 * describe.skipIf(redisMissing)('shared breaker', () => {
 *   let redis: TestRedis;
 *   beforeAll(async () => (redis = await startTestRedis()));
 *   afterAll(() => redis.stop());
 *   it('...', async () => { ... redis.url ... });
 * });
 * ```
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { freePort } from '../../src/scenario/fixture/external-command.js';
import { answersPing } from '../../src/scenario/fixture/redis-service.js';

const CANDIDATES = [process.env.REDIS_SERVER_PATH, '/usr/bin/redis-server', '/usr/local/bin/redis-server'];
const INSTALL = 'install it with `apt-get install redis-server` (Debian/Ubuntu) or set REDIS_SERVER_PATH';

export interface TestRedis {
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** SIGKILLs the server (a crash, as a drill would); `start` brings one back on the same port. */
  kill(): Promise<void>;
  /** Starts a fresh server on the same port after `kill` (empty: no persistence). */
  start(): Promise<void>;
  /** Stops the server if running. Idempotent. */
  stop(): Promise<void>;
}

/** Path of the redis-server binary, or undefined when none is installed. */
export function redisServerPath(): string | undefined {
  return CANDIDATES.find((path): path is string => path !== undefined && path !== '' && existsSync(path));
}

/**
 * Why tests that need Redis cannot run here (a string for `describe.skipIf`), or false when they
 * can. Throws under `CI`, where a missing redis-server must fail the run rather than skip it.
 */
export function redisSkipReason(file = 'this file'): string | false {
  if (redisServerPath() !== undefined) return false;
  if (process.env.CI) throw new Error(`CI is set but no redis-server was found: ${INSTALL} (.ci/run installs it)`);
  console.warn(`${file} skipped: no redis-server found; ${INSTALL}`);
  return 'no redis-server';
}

/** Starts a redis-server on a free loopback port and waits until it answers PING. */
export async function startTestRedis(): Promise<TestRedis> {
  const binary = redisServerPath();
  if (binary === undefined) throw new Error(`no redis-server found: ${INSTALL}`);
  const port = await freePort();
  let child: ChildProcess | undefined = await launch(binary, port);
  const stopChild = async (signal: NodeJS.Signals): Promise<void> => {
    const running = child;
    child = undefined;
    if (running === undefined || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    running.kill(signal);
    await exited;
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    get pid() {
      return child?.pid ?? -1;
    },
    kill: () => stopChild('SIGKILL'),
    async start() {
      if (child === undefined) child = await launch(binary, port);
    },
    stop: () => stopChild('SIGTERM'),
  };
}

async function launch(binary: string, port: number): Promise<ChildProcess> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const deadline = Date.now() + 10_000;
  while (!(await answersPing(port))) {
    if (child.exitCode !== null) throw new Error(`redis-server exited (${child.exitCode}) on port ${port}: ${stderr}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`redis-server did not answer PING on port ${port} within 10 s: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return child;
}
