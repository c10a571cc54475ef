/** Proxy names carry the owning run, so leftovers of crashed runs can be told from live runs' proxies. */
import { describe, expect, it } from 'vitest';
import {
  endRun,
  isLocalFaultPlane,
  leftoverProxies,
  newRunId,
  ownerPid,
  proxyName,
} from '../../src/scenario/run-proxies.js';

describe('run proxy names', () => {
  it('name a proxy after this process and a run number that is never reused', () => {
    const first = newRunId();
    const second = newRunId();
    expect(first).toMatch(new RegExp(`^${process.pid}_\\d+$`));
    expect(second).not.toBe(first);
    expect(proxyName(first, 'primary')).toBe(`relaybench_${first}_primary`);
    expect(ownerPid(proxyName(first, 'my_provider'))).toBe(process.pid);
    endRun(first);
    endRun(second);
  });

  it.each([
    ['relaybench_123_4_primary', 123],
    ['relaybench_123_x', 123],
    ['relaybench_primary', undefined],
    ['relaybench__1_x', undefined],
    ['other_123_x', undefined],
    ['relaybench_0_1_x', undefined],
  ])('ownerPid(%s) = %s', (name, pid) => {
    expect(ownerPid(name)).toBe(pid);
  });

  it('picks the proxies of dead processes and of this pid’s earlier incarnations, never a live run’s', () => {
    const alive = new Set([10, 20]);
    const names = [
      'relaybench_10_1_a', // live process
      'relaybench_30_1_a', // dead process
      'relaybench_30_x', // dead process, short form
      'relaybench_20_7_a', // our pid, a run we are running
      'relaybench_20_3_a', // our pid, a run we are not running: an earlier process with our pid
      'relaybench_20_x', // our pid, no run id: cannot tell, so kept
      'relaybench_primary', // no pid (older naming): never ours to delete
      'toxiproxy_users_proxy',
    ];
    const leftovers = leftoverProxies(names, {
      isAlive: (pid) => alive.has(pid),
      ownPid: 20,
      activeRuns: new Set(['20_7']),
    });
    expect(leftovers).toEqual(['relaybench_30_1_a', 'relaybench_30_x', 'relaybench_20_3_a']);
  });

  it.each([
    ['http://127.0.0.1:8474', true],
    ['http://127.1.2.3:8474', true],
    ['http://localhost:8474', true],
    ['http://[::1]:8474', true],
    ['http://toxiproxy:8474', false],
    ['http://10.0.0.5:8474', false],
  ])('isLocalFaultPlane(%s) = %s', (url, local) => {
    expect(isLocalFaultPlane(url)).toBe(local);
  });
});
