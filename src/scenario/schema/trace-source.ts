/**
 * A scenario's `load.trace`: the file is found (beside the file that names it, else in the working
 * directory), read and checked when the scenario loads, never mid-run. Its arrivals fill the
 * schedule; the load lasts until the last arrival (scaled), or `load.duration` when given, which
 * replays only the arrivals due before it (a slice of a long trace).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigInvalidError } from '../../errors.js';
import { readTraceFile } from '../../load/trace-file.js';
import type { IssuePath } from '../../yaml-errors.js';
import { lastOnsetMs } from '../plan/fault-plan.js';
import type { Scenario } from './scenario.js';

/** Fills in a trace load's arrivals, duration and nominal rate; reports problems through `at`. */
export function resolveTrace(
  scenario: Scenario,
  baseDir: string,
  at: (path: IssuePath, message: string) => void,
): void {
  const spec = scenario.load.schedule;
  if (spec?.kind !== 'trace') return;
  const path = ['load', 'trace'];
  const nearFile = resolve(baseDir, spec.file);
  const found = [nearFile, resolve(spec.file)].find((candidate) => existsSync(candidate));
  if (found === undefined) return void at(path, `trace not found: ${nearFile} (nor ${resolve(spec.file)})`);
  let all;
  try {
    all = readTraceFile(found);
  } catch (error) {
    if (!(error instanceof ConfigInvalidError)) throw error;
    return void at(path, error.message);
  }
  const given = scenario.load.duration > 0 ? scenario.load.duration : undefined;
  const arrivals = given === undefined ? all : all.filter((a) => a.t * spec.timeScale < given);
  if (arrivals.length === 0)
    return void at(['load', 'duration'], `no arrival of ${found} is due within ${given! / 1000}s`);
  // One millisecond past the last arrival, so the last one is inside the load.
  const duration = given ?? Math.floor(arrivals.at(-1)!.t * spec.timeScale) + 1;
  scenario.load = {
    ...scenario.load,
    duration,
    rate: Math.round((arrivals.length / (duration / 1000)) * 100) / 100,
    schedule: { ...spec, arrivals },
  };
  if (given === undefined) checkFaultsWithin(scenario, at);
}

/** The schema could not tell a trace's length: faults must begin within it, as within any load (they may end after it). */
function checkFaultsWithin(scenario: Scenario, at: (path: IssuePath, message: string) => void): void {
  scenario.faults.forEach((fault, index) => {
    const onset = lastOnsetMs(fault);
    if (onset < scenario.load.duration) return;
    at(
      ['faults', index, fault.repeat ? 'repeat' : 'at'],
      `fault starts at ${onset / 1000}s, after the trace ends at ${scenario.load.duration / 1000}s`,
    );
  });
}
