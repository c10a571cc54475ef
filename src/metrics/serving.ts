/**
 * The run's LLM serving metrics: ITL, TPOT, output tokens/s, token throughput and goodput, for the
 * whole run, per phase and per serving provider (a variant is a run of its own). Rates are per
 * second of the load (of the phase, for a phase's figures). Pure: records,
 * the generator's ITL histograms and the SLO in, figures out.
 */
import type { EncodedItl } from './itl-histograms.js';
import type { RequestRecord } from './record.js';
import { ServingGroup, type ServingFigures } from './serving-group.js';
import { hasObjectives, type ServingSlo } from './slo.js';

export type { Goodput, RateSummary, ServingFigures } from './serving-group.js';

type Phase = 'baseline' | 'fault' | 'recovery';

export interface ServingStats extends ServingFigures {
  /** The objectives goodput was judged against (absent: the scenario stated none). */
  slo?: ServingSlo;
  /** Width of the ITL time slots that phases are added up from (ms). */
  itlSlotMs?: number;
  phases: Record<Phase, ServingFigures>;
  providers: Record<string, ServingFigures>;
}

export interface ServingInput {
  records: readonly RequestRecord[];
  /** The phase a record belongs to (by its intended start), as the aggregation decides it. */
  phaseOf(intendedMs: number): Phase;
  durationMs: number;
  /** Each phase's own length (phase-spans.ts): per-phase rates divide by it. */
  phaseDurationsMs?: Readonly<Record<Phase, number>> | undefined;
  slo?: ServingSlo | undefined;
  /** The generator's pooled gaps; absent (closed model, partial aggregates): no ITL figures. */
  itl?: EncodedItl | undefined;
}

export function servingStats(input: ServingInput): ServingStats {
  const slo = hasObjectives(input.slo) ? input.slo : undefined;
  const overall = new ServingGroup(slo);
  const phases: Record<Phase, ServingGroup> = {
    baseline: new ServingGroup(slo),
    fault: new ServingGroup(slo),
    recovery: new ServingGroup(slo),
  };
  const providers = new Map<string, ServingGroup>();
  for (const record of input.records) {
    overall.record(record);
    phases[input.phaseOf(record.intendedMs)].record(record);
    if (record.provider === undefined || record.outcome === 'dropped') continue;
    let group = providers.get(record.provider);
    if (!group) providers.set(record.provider, (group = new ServingGroup(slo)));
    group.record(record);
  }
  const { bySlot = {}, byProvider = {}, slotMs = 1000 } = input.itl ?? {};
  const slotsOf = (phase: Phase): string[] =>
    Object.entries(bySlot)
      .filter(([slot]) => input.phaseOf((Number(slot) + 0.5) * slotMs) === phase)
      .map(([, encoded]) => encoded);
  const phaseMs = (phase: Phase): number => input.phaseDurationsMs?.[phase] ?? input.durationMs;
  const byName: Record<string, ServingFigures> = {};
  for (const [name, group] of [...providers].sort((a, b) => a[0].localeCompare(b[0]))) {
    byName[name] = group.finish(input.durationMs, byProvider[name] === undefined ? [] : [byProvider[name]]);
  }
  return {
    ...overall.finish(input.durationMs, Object.values(bySlot)),
    ...(slo ? { slo } : {}),
    ...(input.itl ? { itlSlotMs: slotMs } : {}),
    phases: {
      baseline: phases.baseline.finish(phaseMs('baseline'), slotsOf('baseline')),
      fault: phases.fault.finish(phaseMs('fault'), slotsOf('fault')),
      recovery: phases.recovery.finish(phaseMs('recovery'), slotsOf('recovery')),
    },
    providers: byName,
  };
}
