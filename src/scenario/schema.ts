/**
 * The scenario schema: what a scenario file may say, its defaults, and the typed Scenario the
 * runner receives. Human units (durations, rates) are converted here, once, at load time.
 */
import { z } from 'zod';
import { parseDurationMs, parseRatePerSecond } from './units.js';
import { faultEndMs, type PlannedFault } from './fault-plan.js';
import { faultSchema } from './fault-schema.js';
import { parseGateTable, type Gate } from './gates.js';

const name = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/i, 'use letters, digits, - and _ only');

/** A duration such as `250ms`, `8s`, `1.5m`; converted to milliseconds. */
function duration() {
  return z.unknown().transform((value, ctx): number => {
    const ms = typeof value === 'string' ? parseDurationMs(value) : undefined;
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: `expected a duration such as 250ms, 8s or 1m, got ${JSON.stringify(value)}` });
      return z.NEVER;
    }
    return ms;
  });
}

/** A rate such as `50/s`, `3000/m` or a bare number per second. */
function rate() {
  return z.unknown().transform((value, ctx): number => {
    const perSecond = typeof value === 'string' || typeof value === 'number' ? parseRatePerSecond(value) : undefined;
    if (perSecond === undefined || perSecond <= 0) {
      ctx.addIssue({ code: 'custom', message: `expected a positive rate such as 50/s or 3000/m, got ${JSON.stringify(value)}` });
      return z.NEVER;
    }
    return perSecond;
  });
}

const provider = z.strictObject({
  /** Name used in chains, faults and reports. */
  name,
  /** Model the mock provider reports serving. */
  model: z.string().default('gpt-4.1-mini'),
  /** Fixed service latency of the mock provider. */
  latency: duration().default(20),
});

const target = z.strictObject({
  /** `builtin`: our relay, in its own process. (`direct` and `external` come later.) */
  kind: z.literal('builtin').default('builtin'),
  /** Provider names in priority order; defaults to every provider in the order listed. */
  chain: z.array(name).min(1).optional(),
  /** Per-attempt upstream timeout inside the relay. */
  attempt_timeout: duration().default(2000),
  /** The relay's policy settings (`policies` in its config file: breaker, retry, hedge, cache...). */
  policies: z.record(z.string(), z.unknown()).optional(),
});

const load = z.strictObject({
  /** Open-model arrival rate (requests start on schedule whatever the latency). */
  rate: rate(),
  duration: duration(),
  /** Client timeout per request, counted from its intended start. */
  timeout: duration().default(10_000),
  /** Arrivals beyond this many requests in flight are counted as dropped, never delayed. */
  max_in_flight: z.number().int().positive().default(1000),
  model: z.string().default('gpt-4.1-mini'),
  max_tokens: z.number().int().positive().default(64),
});

const gates = z
  .record(z.string(), z.array(z.string()).min(1))
  .default({})
  .transform((byMetric, ctx): Gate[] => parseGateTable(byMetric, (path, message) => ctx.addIssue({ code: 'custom', path, message })));

export const scenarioSchema = z
  .strictObject({
    name: name.optional(),
    description: z.string().default(''),
    /** Seeds every random draw (arrivals, toxicity, jitter), so a run can be reproduced. */
    seed: z.number().int().nonnegative().default(1),
    providers: z.array(provider).min(1),
    target: target.default({ kind: 'builtin', attempt_timeout: 2000 }),
    load,
    /** Faults by kind (see fault-schema.ts and fault-kinds.ts); expanded into `schedule` at load time. */
    faults: z.array(faultSchema).default([]),
    gates,
  })
  .superRefine((scenario, ctx) => {
    const known = new Set(scenario.providers.map((p) => p.name));
    scenario.target.chain?.forEach((member, index) => {
      if (!known.has(member)) {
        ctx.addIssue({ code: 'custom', path: ['target', 'chain', index], message: `unknown provider '${member}'; providers: ${[...known].join(', ')}` });
      }
    });
    scenario.faults.forEach((f, index) => {
      f.providers.forEach((p, i) => {
        if (known.has(p)) return;
        // A one-element `providers: [x]` is reported as `provider` (the spec no longer tells them apart).
        const path = f.providers.length > 1 ? ['faults', index, 'providers', i] : ['faults', index, 'provider'];
        ctx.addIssue({ code: 'custom', path, message: `unknown provider '${p}'; providers: ${[...known].join(', ')}` });
      });
      const end = faultEndMs(f);
      if (end > scenario.load.duration) {
        const what = f.repeat ? `its last repetition ends at ${end / 1000}s` : `fault ends at ${end / 1000}s`;
        ctx.addIssue({ code: 'custom', path: ['faults', index, f.repeat ? 'repeat' : 'for'], message: `${what}, after the load ends at ${scenario.load.duration / 1000}s` });
      }
    });
    const names = scenario.providers.map((p) => p.name);
    names.forEach((n, index) => {
      if (names.indexOf(n) !== index) ctx.addIssue({ code: 'custom', path: ['providers', index, 'name'], message: `duplicate provider name '${n}'` });
    });
  });

type Parsed = z.output<typeof scenarioSchema>;
export type ProviderSpec = Parsed['providers'][number];
export type { FaultSpec } from './fault-schema.js';
export type LoadSpec = Parsed['load'];

/** A validated scenario with units resolved (milliseconds, requests per second). */
export interface Scenario extends Omit<Parsed, 'name' | 'target'> {
  name: string;
  file: string;
  target: Parsed['target'] & { chain: string[] };
  /** `faults` expanded (providers, repetitions, ramp steps) into the entries the timeline plays. */
  schedule: PlannedFault[];
}
