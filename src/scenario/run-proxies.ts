/**
 * Names of the fault-plane proxies a run creates, and the cleanup of those an earlier run left
 * behind. A proxy is named `relaybench_<pid>_<run>_<provider>`: the pid of the harness process that
 * owns it, so a later run can tell a crashed run's leftovers (pid gone) from a live run's proxies
 * (pid alive, never touched), and a per-process run number, so runs in one process never collide.
 * A name with this process's own pid but a run this process is not running comes from an earlier
 * process that had the same pid (common in containers, where pids are small and reused).
 */
import type { FaultPlaneClient } from '../chaos/client.js';

export const PROXY_PREFIX = 'relaybench_';
const OWNER = /^relaybench_(\d+)_/;
const RUN = /^relaybench_(\d+_\d+)_/;

let runs = 0;
/** Runs of this process that have not ended: their proxies are never leftovers. */
const activeRuns = new Set<string>();

/** A fresh run id for this process, `<pid>_<n>`, active until {@link endRun}. */
export function newRunId(): string {
  const runId = `${process.pid}_${++runs}`;
  activeRuns.add(runId);
  return runId;
}

export function endRun(runId: string): void {
  activeRuns.delete(runId);
}

export function proxyName(runId: string, provider: string): string {
  return `${PROXY_PREFIX}${runId}_${provider}`;
}

/** The pid a proxy name says owns it; undefined for names not made by {@link proxyName}. */
export function ownerPid(name: string): number | undefined {
  const match = OWNER.exec(name);
  const pid = match ? Number(match[1]) : NaN;
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

export interface Liveness {
  isAlive(pid: number): boolean;
  ownPid: number;
  /** Run ids this process is running. */
  activeRuns: ReadonlySet<string>;
}

/** Proxies whose owning run is over. Names without a pid are never ours to delete. */
export function leftoverProxies(names: readonly string[], liveness: Liveness): string[] {
  return names.filter((name) => {
    const pid = ownerPid(name);
    if (pid === undefined) return false;
    if (pid === liveness.ownPid) {
      const runId = RUN.exec(name)?.[1];
      return runId !== undefined && !liveness.activeRuns.has(runId);
    }
    return !liveness.isAlive(pid);
  });
}

/** Whether a process exists (EPERM: it exists, under another user). */
export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Pids only mean something on this machine: leftovers are cleared on a loopback fault plane only,
 * never on a shared remote one where another machine's live run could own a proxy.
 */
export function isLocalFaultPlane(url: string): boolean {
  const host = new URL(url).hostname;
  return host === 'localhost' || host === '[::1]' || host === '::1' || /^127\./.test(host);
}

/** Deletes leftovers of crashed runs from the fault plane; returns their names. */
export async function clearLeftoverProxies(client: FaultPlaneClient): Promise<string[]> {
  if (!isLocalFaultPlane(client.url)) return [];
  const names = (await client.listProxies()).map((p) => p.name).sort();
  const leftovers = leftoverProxies(names, { isAlive: processIsAlive, ownPid: process.pid, activeRuns });
  for (const name of leftovers) await client.deleteProxy(name);
  return leftovers;
}
