/** The one-line method under every table: load, duration, faults, seed and machine of the run. */
import type { RunResult } from '../scenario/result/result.js';

export function method(result: RunResult): string {
  const { load, seed } = result.scenario;
  const faults = result.faults.map((f) => {
    const applied = f.appliedMs !== undefined ? `${(f.appliedMs / 1000).toFixed(2)} s` : 'never applied';
    const removed = f.removedMs !== undefined ? `${(f.removedMs / 1000).toFixed(2)} s` : 'not removed';
    return `${f.type} on ${f.provider} (applied ${applied}, removed ${removed})`;
  });
  const configurations = result.variants?.length
    ? `${result.variants.length} configurations run in turn with the same load, faults and seed; `
    : '';
  return [
    `${configurations}open-model ${load.rate} req/s for ${load.duration / 1000} s`,
    `client timeout ${load.timeout / 1000} s`,
    faults.length > 0 ? `faults: ${faults.join('; ')}` : 'no faults',
    `seed ${seed}`,
    `${result.machine.cpus} × ${result.machine.cpuModel}, Node ${result.machine.node}`,
  ].join('; ');
}
