/**
 * The scenario schema: what a scenario file may say, its defaults, and the typed Scenario the
 * runner receives. Human units (durations, rates) are converted here, once, at load time.
 * Sections live in their own files: providers (provider-schema.ts), target (target-schema.ts),
 * load (load-schema.ts), faults (fault-schema.ts); `extends` and `variants` are resolved by the
 * loader (extends.ts, variants.ts) before and after this schema runs.
 */
import { z } from 'zod';
import { budgetSchema } from './budget-schema.js';
import type { PriceBook } from '../../metrics/cost.js';
import { lastOnsetMs, type PlannedFault } from '../plan/fault-plan.js';
import { FAULT_KINDS } from './fault-kinds.js';
import { faultSchema } from './fault-schema.js';
import { checkKeyPools } from './key-checks.js';
import { checkFleetScenario } from './fleet-checks.js';
import { parseGateTable, type Gate } from '../gates/grammar.js';
import { loadSchema } from './load-schema.js';
import { faultPlaneSchema } from './fault-plane-schema.js';
import { providerSchema } from './provider-schema.js';
import { reportSchema } from './report-schema.js';
import { sloSchema } from './slo-schema.js';
import { name } from './units.js';
import { targetSchema, type TargetSpec } from './target-schema.js';

const gates = z
  // Entries are strings or `{ threshold, abort_on_fail, delay_abort_eval }` objects: gates/grammar.ts checks them.
  .record(z.string(), z.array(z.unknown()).min(1))
  .default({})
  .transform((byMetric, ctx): Gate[] =>
    parseGateTable(byMetric, (path, message) => ctx.addIssue({ code: 'custom', path, message })),
  );

export const scenarioSchema = z
  .strictObject({
    /** A base scenario file (relative to this one) deep-merged under this one: maps merge, lists and scalars replace. */
    extends: z.string().optional(),
    /** Default: the file name without extension. */
    name: name.optional(),
    /** What the drill reproduces; printed at the top of the report. */
    description: z.string().default(''),
    /** Seeds every random draw (arrivals, mix, toxicity, jitter, mock latency), so a run can be reproduced. */
    seed: z.number().int().nonnegative().default(1),
    /** Providers (started mocks, running mocks, real APIs), each behind its own fault-plane proxy. */
    providers: z.array(providerSchema).min(1),
    /** Where the proxies listen and how clients reach them (a fault plane on another host). */
    fault_plane: faultPlaneSchema.prefault({}),
    /** Allow traffic to hosts beyond this machine (else such a run is refused, naming the hosts). */
    allow_remote: z.boolean().default(false),
    /** What the load calls: `builtin` (default), `direct` or `external`. */
    target: targetSchema.prefault({}),
    /** Arrivals, duration, warmup, mode and the request mix. */
    load: loadSchema,
    /** Faults by kind (see fault-schema.ts and fault-kinds.ts); expanded into `schedule` at load time. */
    faults: z.array(faultSchema).default([]),
    /** k6-style thresholds per metric (gates/grammar.ts). */
    gates,
    /** Price books and the monthly volume and downtime cost the report projects to (report-schema.ts). */
    report: reportSchema.default({}),
    /** A spend guard for paid providers: stop the load once the run's metered cost reaches `usd` (budget-schema.ts). */
    budget: budgetSchema.optional(),
    /** A matrix or a list of named overrides, each run in turn with the same seed, load and faults (variants.ts). */
    variants: z.unknown().optional(),
    /** Per-request objectives goodput is judged against: `{ ttft, itl, tpot, latency }` (slo-schema.ts). */
    slo: sloSchema.optional(),
  })
  .superRefine((scenario, ctx) => {
    const known = new Set(scenario.providers.map((p) => p.name));
    const unknown = (p: string): string => `unknown provider '${p}'; providers: ${[...known].join(', ')}`;
    scenario.target.chain?.forEach((member, index) => {
      // An entry that is no name was reported by the target's schema already.
      if (typeof member === 'string' && !known.has(member))
        ctx.addIssue({ code: 'custom', path: ['target', 'chain', index], message: unknown(member) });
    });
    if (scenario.target.kind === 'direct') {
      const first = scenario.target.chain?.[0] ?? scenario.providers[0]?.name;
      const provider = scenario.providers.find((p) => p.name === first);
      if (provider !== undefined && provider.dialect !== 'openai') {
        const path = scenario.target.chain ? ['target', 'chain', 0] : ['target', 'kind'];
        ctx.addIssue({
          code: 'custom',
          path,
          message: `a direct target calls '${first}' with OpenAI requests, but its dialect is ${provider.dialect}; put an openai-dialect provider first`,
        });
      }
    }
    const byName = new Map(scenario.providers.map((p) => [p.name, p]));
    scenario.faults.forEach((f, index) => {
      // The Redis link and a replica are not providers (fleet-checks.ts checks them).
      const onProviders = f.link === undefined && f.replica === undefined ? f.providers : [];
      onProviders.forEach((p, i) => {
        const provider = byName.get(p);
        if (provider?.kind === 'upstream' && FAULT_KINDS[f.kind].plane === 'mock') {
          ctx.addIssue({
            code: 'custom',
            path: ['faults', index, 'type'],
            message: `'${f.type}' is an HTTP-level fault (injected by a mock's control API), but '${p}' is an upstream provider (a real API at ${provider.url}): only TCP-level faults apply to it (latency, down, reset, blackhole, bandwidth, slicer, ...)`,
          });
        }
        if (known.has(p)) return;
        // A one-element `providers: [x]` is reported as `provider` (the spec no longer tells them apart).
        const path = f.providers.length > 1 ? ['faults', index, 'providers', i] : ['faults', index, 'provider'];
        ctx.addIssue({ code: 'custom', path, message: unknown(p) });
      });
      // A window may run past the load's end (held until the requests in flight drain), but must begin within it.
      // A trace without a duration lasts as long as the trace: checked once it is read (trace-source.ts).
      const onset = lastOnsetMs(f);
      if (scenario.load.duration > 0 && onset >= scenario.load.duration) {
        const what = f.repeat ? `its last repetition starts at ${onset / 1000}s` : `fault starts at ${onset / 1000}s`;
        ctx.addIssue({
          code: 'custom',
          path: ['faults', index, f.repeat ? 'repeat' : 'at'],
          message: `${what}, when the load has ended (${scenario.load.duration / 1000}s)`,
        });
      }
    });
    const goodputGate = scenario.gates.find((g) => g.metric === 'goodput');
    if (goodputGate && scenario.slo === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['gates', goodputGate.key],
        message: `'${goodputGate.source}': goodput counts requests meeting the scenario's slo, but it states none; add slo: { ttft: 500ms, itl: 50ms, latency: 5s } (any of ttft, itl, tpot, latency)`,
      });
    checkKeyPools(
      scenario.providers,
      scenario.target.chain,
      scenario.target.members,
      scenario.faults,
      (path, message) => ctx.addIssue({ code: 'custom', path, message }),
    );
    checkFleetScenario(scenario, (path, message) => ctx.addIssue({ code: 'custom', path, message }));
    const names = scenario.providers.map((p) => p.name);
    names.forEach((n, index) => {
      if (names.indexOf(n) !== index)
        ctx.addIssue({ code: 'custom', path: ['providers', index, 'name'], message: `duplicate provider name '${n}'` });
    });
  });

type Parsed = z.output<typeof scenarioSchema>;
export type { ProviderSpec } from './provider-schema.js';
export type { FaultSpec } from './fault-schema.js';
export type { LoadSpec } from './load-schema.js';

/** The resolved target: `chain` always set. */
export type ResolvedTarget = TargetSpec & { chain: string[] };

/** One run of a matrix: its label and its fully resolved scenario. */
export interface Variant {
  /** Shown in the comparison table (`single`, `primary → secondary`, `direct`...). */
  name: string;
  scenario: Scenario;
}

/** A validated scenario with units resolved (milliseconds, requests per second). */
export interface Scenario extends Omit<Parsed, 'name' | 'target' | 'extends' | 'variants'> {
  name: string;
  file: string;
  target: ResolvedTarget;
  /** `faults` expanded (providers, repetitions, ramp steps) into the entries the timeline plays. */
  schedule: PlannedFault[];
  /** Files this scenario extends, nearest first (empty without `extends`). */
  extends: string[];
  /** `report.price_books` read and checked at load time (absent: the run's default books). */
  priceBooks?: PriceBook[];
  /** The external target's config template text (read at load time), when it has one. */
  configTemplate?: { file: string; text: string };
  /** The matrix this file asks for (empty: a single run). Each variant's own `variants` is empty. */
  variants: Variant[];
}
