/** The one-line method under every table: load, duration, faults, seed and machine of the run. */
import type { RunResult } from '../scenario/result/result.js';

export function method(result: RunResult): string {
  const runs = result.variants ?? [];
  const shapes = runs.map((v) => ({ name: v.name, shape: loadAndFaults(v.result) }));
  const alike = runs.every((v) => sameLoadAndFaults(v.result, runs[0]!.result));
  const configurations =
    runs.length === 0
      ? loadAndFaults(result)
      : alike
        ? `${runs.length} configurations run in turn with the same load, faults and seed; ${loadAndFaults(result)}`
        : `${runs.length} configurations run in turn with the same seed but their own load or faults: ` +
          shapes.map((s) => `${s.name}: ${s.shape}`).join(' | ');
  return [
    configurations,
    `seed ${result.scenario.seed}`,
    `${result.machine.cpus} × ${result.machine.cpuModel}, Node ${result.machine.node}`,
  ].join('; ');
}

/** Whether two runs were planned with the same load and faults (rows that differ in them do not subtract). */
export function sameLoadAndFaults(a: RunResult, b: RunResult): boolean {
  const planned = (r: RunResult): string => JSON.stringify([r.scenario.load, r.scenario.faults ?? []]);
  return planned(a) === planned(b);
}

function loadAndFaults(result: RunResult): string {
  const { load } = result.scenario;
  const faults = result.faults.map((f) => {
    const applied = f.appliedMs !== undefined ? `${(f.appliedMs / 1000).toFixed(2)} s` : 'never applied';
    const removed = f.removedMs !== undefined ? `${(f.removedMs / 1000).toFixed(2)} s` : 'not removed';
    return `${f.type} on ${f.provider} (applied ${applied}, removed ${removed})`;
  });
  return [
    offeredLoad(load),
    `client timeout ${load.timeout / 1000} s`,
    faults.length > 0 ? `faults: ${faults.join('; ')}` : 'no faults',
  ].join('; ');
}

/** The offered load in a phrase: a constant rate, or a sweep's steps. */
function offeredLoad(load: RunResult['scenario']['load']): string {
  const s = load.schedule;
  if (s?.kind === 'sweep')
    return `open-model capacity sweep: ${s.steps} steps of ${s.stepMs / 1000} s from ${s.from} to ${s.to} req/s (${s.spacing ?? 'linear'})`;
  if (s?.kind === 'trace')
    return `open-model trace ${s.file} (${s.count ?? s.arrivals.length} arrivals, time_scale ${s.timeScale}, ${load.rate} req/s on average) for ${load.duration / 1000} s`;
  return `open-model ${load.rate} req/s for ${load.duration / 1000} s`;
}
