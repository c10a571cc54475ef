/**
 * `relaybench cleanup` stops a redis-server whose runner was killed with SIGKILL: a real runner
 * process starts the harness's redis-server (which records its pid) and is SIGKILLed; the
 * redis-server outlives it; cleanup lists it in a dry run, then stops it by its recorded pid. A
 * record whose pid now belongs to another process is only forgotten, never signalled.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startToxiproxyServer, type RunningToxiproxyServer } from '../../src/chaos/server.js';
import { listOwned, recordOwned } from '../../src/scenario/fixture/owned-processes.js';
import { relaybench } from '../support/cli.js';
import { isAlive } from '../support/processes.js';
import { redisSkipReason } from '../support/redis.js';

const SRC = join(import.meta.dirname, '../../src/scenario/fixture/redis-service.ts');

describe.skipIf(redisSkipReason('cleanup-redis.test.ts'))('relaybench cleanup and a redis-server left behind', () => {
  let dir: string;
  let plane: RunningToxiproxyServer;
  let bystander: ChildProcess;
  const env = (): Record<string, string> => ({ RELAYBENCH_OWNED_DIR: join(dir, 'owned') });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'relaybench-cleanup-redis-'));
    plane = await startToxiproxyServer({ port: 0 });
    bystander = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
  });
  afterAll(async () => {
    bystander?.kill('SIGKILL');
    for (const owned of listOwned(join(dir, 'owned'))) if (isAlive(owned.pid)) process.kill(owned.pid, 'SIGKILL');
    await plane?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('lists it in a dry run, stops it by its recorded pid, and leaves a reused pid alone', async () => {
    // A runner: starts the harness's redis-server, says its pid, waits to be killed.
    const script = join(dir, 'runner.mts');
    await writeFile(
      script,
      `import { startRedis } from ${JSON.stringify(SRC)};\nconst redis = await startRedis();\nconsole.log(redis.pid);\nsetInterval(() => {}, 1000);\n`,
    );
    const runner = spawn(process.execPath, ['--import', 'tsx', script], {
      env: { ...process.env, ...env() },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const [line] = (await once(runner.stdout!, 'data')) as [Buffer];
    const redisPid = Number(line.toString().trim());
    runner.kill('SIGKILL');
    await once(runner, 'exit');
    expect(isAlive(redisPid)).toBe(true); // detached: it outlived its runner
    // A stale record of a dead owner whose pid is now some other process (the bystander).
    recordOwned(
      { kind: 'redis-server', pid: bystander.pid!, owner: runner.pid!, port: 1, startedAt: new Date().toISOString() },
      join(dir, 'owned'),
    );

    const dry = await relaybench(['cleanup', '--fault-plane', plane.url, '--dry-run'], { env: env() });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(
      new RegExp(`would stop redis-server pid ${redisPid} \\(port \\d+; owner pid ${runner.pid} is gone\\)`),
    );
    expect(dry.stdout).toContain(
      `would forget redis-server pid ${bystander.pid} (port 1; pid ${bystander.pid} is no longer a redis-server on port 1`,
    );
    expect(isAlive(redisPid)).toBe(true);
    expect(listOwned(join(dir, 'owned'))).toHaveLength(2);

    const run = await relaybench(['cleanup', '--fault-plane', plane.url], { env: env() });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(
      new RegExp(`stopped redis-server pid ${redisPid} \\(port \\d+; owner pid ${runner.pid} is gone\\)`),
    );
    expect(run.stdout).toContain('stopped 1 redis-server(s) whose run is gone; kept 0 of live runs');
    expect(isAlive(bystander.pid!)).toBe(true); // never signalled
    expect(listOwned(join(dir, 'owned'))).toEqual([]);
    for (let i = 0; i < 100 && isAlive(redisPid); i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(isAlive(redisPid)).toBe(false);
  }, 60_000);
});
