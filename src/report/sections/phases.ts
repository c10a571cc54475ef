/** Outcomes by phase: baseline, fault and recovery requests (by intended start), and who served them. */
import type { RunResult } from '../../scenario/result/result.js';
import type { SectionTable } from './section-table.js';

const PHASES = ['baseline', 'fault', 'recovery'] as const;

/** One row per phase that had requests; undefined for a run without faults (it is all baseline). */
export function phasesTable(result: RunResult): SectionTable | undefined {
  if (result.faults.length === 0) return undefined;
  const a = result.aggregates;
  const rows = PHASES.filter((phase) => a.phases[phase].requests > 0).map((phase) => {
    const t = a.phases[phase];
    return [phase, String(t.requests), String(t.ok), String(t.failed), String(t.dropped), servedBy(t.servedBy)];
  });
  return {
    id: 'phases',
    title: 'Outcomes by phase',
    header: ['Phase', 'Requests', 'OK', 'Failed', 'Dropped', 'Served by'],
    rows,
  };
}

/** `fallback 120, primary 30`: most first. */
export function servedBy(counts: Record<string, number>): string {
  const entries = Object.entries(counts).sort((x, y) => y[1] - x[1]);
  return entries.length === 0 ? '—' : entries.map(([p, n]) => `${p} ${n}`).join(', ');
}
