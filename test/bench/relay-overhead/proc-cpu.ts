/**
 * CPU time from /proc, in clock ticks: per process (utime + stime of all its threads, from
 * /proc/<pid>/stat) and for the whole machine (/proc/stat), so the bench can charge each server
 * only for its own segment and say how busy everything else on the machine was meanwhile.
 * Linux only; the bench refuses to run without /proc.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Clock ticks per second (`getconf CLK_TCK`; 100 on practically every Linux). */
export function clockTicksPerSecond(): number {
  try {
    const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isInteger(ticks) && ticks > 0 ? ticks : 100;
  } catch {
    return 100;
  }
}

/** utime + stime of a live process, in clock ticks. */
export function processTicks(pid: number): number {
  return statTicks(readFileSync(`/proc/${pid}/stat`, 'utf8'));
}

/** utime + stime from the text of a /proc/<pid>/stat file. */
export function statTicks(stat: string): number {
  // The command name (field 2) is in parentheses and may contain spaces: split after its ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state), so utime (field 14) and stime (field 15) are at 11 and 12.
  return Number(fields[11]) + Number(fields[12]);
}

/** Busy ticks of all CPUs together (everything but idle and iowait) from /proc/stat. */
export function machineBusyTicks(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
  // cpu user nice system idle iowait irq softirq steal ...
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1, 9).map(Number);
  return user! + nice! + system! + irq! + softirq! + steal!;
}

/** CPU ticks of named processes and of the machine at one instant. */
export interface CpuSnapshot {
  readonly atMs: number;
  readonly machine: number;
  readonly byName: ReadonlyMap<string, number>;
}

/** What each process and everything else used between two snapshots. */
export interface CpuDelta {
  readonly seconds: number;
  /** Ticks per process name. */
  readonly byName: ReadonlyMap<string, number>;
  /** Ticks of the machine's other processes (and the kernel), i.e. the noise we did not cause. */
  readonly foreign: number;
}

/** Reads the ticks of `pids` (name to pid) and of the machine. */
export function snapshotCpu(pids: ReadonlyMap<string, number>): CpuSnapshot {
  const byName = new Map<string, number>();
  for (const [name, pid] of pids) byName.set(name, processTicks(pid));
  return { atMs: performance.now(), machine: machineBusyTicks(), byName };
}

export function cpuBetween(before: CpuSnapshot, after: CpuSnapshot): CpuDelta {
  const byName = new Map<string, number>();
  let ours = 0;
  for (const [name, ticks] of after.byName) {
    const used = ticks - (before.byName.get(name) ?? ticks);
    byName.set(name, used);
    ours += used;
  }
  return {
    seconds: (after.atMs - before.atMs) / 1000,
    byName,
    foreign: Math.max(0, after.machine - before.machine - ours),
  };
}
