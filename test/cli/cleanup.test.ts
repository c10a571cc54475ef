/**
 * `relaybench cleanup` as a user runs it: a child process against the embedded fault plane, with
 * proxies of dead and live processes, young and old, and proxies that are not relaybench's.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FaultPlaneClient } from '../../src/chaos/client.js';
import { startToxiproxyServer, type RunningToxiproxyServer } from '../../src/chaos/server.js';
import { relaybench } from '../support/cli.js';
import { isAlive } from '../support/processes.js';

let plane: RunningToxiproxyServer;
let client: FaultPlaneClient;
let live: ChildProcess;
let dead: number;

const epochSecondsAgo = (ms: number): number => Math.floor((Date.now() - ms) / 1000);

beforeAll(async () => {
  plane = await startToxiproxyServer({ port: 0 });
  client = new FaultPlaneClient(plane.url);
  live = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
  const gone = spawn(process.execPath, ['-e', '']);
  await once(gone, 'exit');
  dead = gone.pid!;
  expect(isAlive(dead)).toBe(false);
});

afterAll(async () => {
  live?.kill('SIGKILL');
  await plane?.close();
});

async function names(): Promise<string[]> {
  return (await client.listProxies()).map((p) => p.name).sort();
}

describe('relaybench cleanup', () => {
  let deadOld: string, deadYoung: string, deadUndated: string, liveOld: string;
  const foreign = ['someone_elses_proxy', 'relaybench_primary', `redis_${epochSecondsAgo(5 * 3_600_000)}_x`];

  beforeEach(async () => {
    for (const name of await names()) await client.deleteProxy(name);
    deadOld = `relaybench_${dead}_1_${epochSecondsAgo(3 * 3_600_000)}_primary`;
    deadYoung = `relaybench_${dead}_2_${epochSecondsAgo(60_000)}_fallback`;
    deadUndated = `relaybench_${dead}_3_primary`;
    liveOld = `relaybench_${live.pid}_1_${epochSecondsAgo(3 * 3_600_000)}_primary`;
    for (const name of [deadOld, deadYoung, deadUndated, liveOld, ...foreign]) {
      await client.createProxy(name, '127.0.0.1:9');
    }
  });

  it('on a loopback plane removes the proxies of gone processes, keeps live ones and everything not ours', async () => {
    const run = await relaybench(['cleanup', '--fault-plane', plane.url]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    for (const name of [deadOld, deadYoung, deadUndated]) {
      expect(run.stdout).toContain(`removed ${name} (owner pid ${dead} is gone)\n`);
    }
    expect(run.stdout).toContain(`removed 3 proxies from ${plane.url} (owner process gone); kept 1 relaybench proxy\n`);
    expect(await names()).toEqual([liveOld, ...foreign].sort());
  });

  it('--dry-run lists what it would remove and removes nothing', async () => {
    const before = await names();
    const run = await relaybench(['cleanup', '--fault-plane', plane.url, '--dry-run']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`would remove ${deadOld} (owner pid ${dead} is gone)\n`);
    expect(run.stdout).toContain(`would keep ${liveOld} (owner pid ${live.pid} is alive)\n`);
    expect(run.stdout).toContain('would remove 3 proxies');
    expect(run.stdout).not.toContain('someone_elses_proxy');
    expect(await names()).toEqual(before);
  });

  it('takes the fault plane from TOXIPROXY_URL', async () => {
    const run = await relaybench(['cleanup'], { env: { TOXIPROXY_URL: plane.url } });
    expect(run.code).toBe(0);
    expect(await names()).toEqual([liveOld, ...foreign].sort());
  });
});

describe('relaybench cleanup errors', () => {
  it('a bad --older-than exits 104 naming the flag and the value', async () => {
    const run = await relaybench(['cleanup', '--fault-plane', plane.url, '--older-than', '90']);
    expect(run.code).toBe(104);
    expect(run.stderr).toContain('--older-than: expected a duration with a unit such as 30m, 1h or 24h, got "90"');
  });

  it('no fault plane, or not a URL, exits 104', async () => {
    const none = await relaybench(['cleanup'], { env: { TOXIPROXY_URL: '' } });
    expect(none.code).toBe(104);
    expect(none.stderr).toContain('--fault-plane: give the fault plane API URL (or set TOXIPROXY_URL)');
    const bad = await relaybench(['cleanup', '--fault-plane', 'toxiproxy:8474']);
    expect(bad.code).toBe(104);
    expect(bad.stderr).toContain('--fault-plane: expected an http(s) URL');
  });

  it('an unreachable fault plane exits 1 saying why', async () => {
    const vacated = createServer();
    await new Promise<void>((resolve) => vacated.listen(0, '127.0.0.1', resolve));
    const port = (vacated.address() as AddressInfo).port;
    await new Promise((resolve) => vacated.close(resolve));
    const run = await relaybench(['cleanup', '--fault-plane', `http://127.0.0.1:${port}`]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`fault plane at http://127.0.0.1:${port} is unreachable: ECONNREFUSED`);
  });
});
