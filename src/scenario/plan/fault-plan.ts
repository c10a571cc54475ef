/**
 * Expands a scenario's faults into the concrete entries the fault timeline plays: one per
 * provider, per repetition and per ramp step, each with its own window and its request in wire
 * form (a Toxiproxy toxic, a disabled proxy, or a mock control API fault). Pure.
 */
import type { FaultRequest } from '../../chaos/client.js';
import type { MockFaultRequest } from '../../mock/control-client.js';
import type { PlannedWindow } from '../../metrics/fault-window.js';
import { FAULT_KINDS, wireAttributes } from '../schema/fault-kinds.js';
import type { FaultSpec } from '../schema/fault-schema.js';

interface PlannedBase extends PlannedWindow {
  /** Where it came from: index in `faults`, repetition and ramp step (0-based). */
  source: { fault: number; repetition: number; step: number };
}

/** A fault on the provider's fault-plane proxy (toxic or `down`), or on the Redis link's (`link`). */
export interface PlannedProxyFault extends PlannedBase {
  plane: 'proxy';
  request: FaultRequest;
  /** `redis`: the proxy in front of the fleet's Redis, not a provider's. */
  link?: 'redis';
}

/** A replica of the fleet killed (SIGKILL) at onset; started afresh at the end when `restart`. */
export interface PlannedReplicaFault extends PlannedBase {
  plane: 'replica';
  replica: number;
  restart: boolean;
}

/** A fault in the provider's mock, through its control API. */
export interface PlannedMockFault extends PlannedBase {
  plane: 'mock';
  request: MockFaultRequest;
}

export type PlannedFault = PlannedProxyFault | PlannedMockFault | PlannedReplicaFault;

/**
 * Entries ordered by onset; at equal onsets, in the order the scenario lists them. A window that
 * ends past the load's end, or one of `for: until_end`, is marked `untilDrained`: the timeline
 * keeps it until the load's requests in flight have drained.
 * @param loadMs the load's length: a replica killed for good is down from its onset to the end.
 */
export function planFaults(faults: readonly FaultSpec[], loadMs = 0): PlannedFault[] {
  const planned: PlannedFault[] = [];
  faults.forEach((fault, index) => {
    const times = fault.repeat?.times ?? 1;
    const steps = fault.ramp?.steps ?? 1;
    for (let repetition = 0; repetition < times; repetition++) {
      const start = fault.at + repetition * (fault.repeat?.every ?? 0);
      if (fault.replica !== undefined) {
        const forMs = fault.restart ? fault.for : Math.max(0, loadMs - start);
        const source = { fault: index, repetition, step: 0 };
        const base = { provider: fault.providers[0]!, type: fault.type, atMs: start, forMs, source };
        planned.push({ ...base, plane: 'replica', replica: fault.replica, restart: fault.restart ?? false });
        continue;
      }
      for (let step = 0; step < steps; step++) {
        const stepStart = start + Math.round((fault.for * step) / steps);
        const stepEnd = start + Math.round((fault.for * (step + 1)) / steps);
        const attributes = fault.ramp
          ? { ...fault.attributes, latency: rampValue(fault.attributes.latency ?? 0, fault.ramp.to, step, steps) }
          : fault.attributes;
        for (const provider of fault.providers) {
          const base: PlannedBase = {
            provider,
            type: fault.type,
            atMs: stepStart,
            forMs: stepEnd - stepStart,
            source: { fault: index, repetition, step },
            ...(holdsUntilDrained(fault, stepEnd, loadMs) ? { untilDrained: true } : {}),
          };
          planned.push(entry(base, fault, attributes));
        }
      }
    }
  });
  // Array.prototype.sort is stable: equal onsets keep the scenario's order.
  return planned.sort((a, b) => a.atMs - b.atMs);
}

/**
 * When the fault's last window (its last repetition, its ramp's last step) begins, ms from the
 * start of load: a window may end after the load, but one that begins after it never applies.
 */
export function lastOnsetMs(fault: Pick<FaultSpec, 'at' | 'for' | 'repeat' | 'ramp'>): number {
  const lastRepetition = fault.at + ((fault.repeat?.times ?? 1) - 1) * (fault.repeat?.every ?? 0);
  const steps = fault.ramp?.steps ?? 1;
  return lastRepetition + Math.round((fault.for * (steps - 1)) / steps);
}

/** `until_end`'s last step, or any window the schedule ends after the load (`loadMs` 0: unknown, none). */
function holdsUntilDrained(fault: FaultSpec, windowEndMs: number, loadMs: number): boolean {
  if (fault.untilEnd === true) return windowEndMs >= loadMs;
  return loadMs > 0 && windowEndMs > loadMs;
}

function rampValue(from: number, to: number, step: number, steps: number): number {
  return Math.round(from + ((to - from) * step) / (steps - 1));
}

function entry(base: PlannedBase, fault: FaultSpec, attributes: Record<string, number>): PlannedFault {
  const def = FAULT_KINDS[fault.kind];
  const wire = wireAttributes(def, attributes);
  if (def.plane === 'proxy') {
    return {
      ...base,
      plane: 'proxy',
      // Toxics take numbers only: no proxy kind's attribute has a `toWire`.
      request: {
        type: def.toxic,
        stream: fault.stream,
        toxicity: fault.rate,
        attributes: wire as Record<string, number>,
      },
      ...(fault.link === undefined ? {} : { link: fault.link }),
    };
  }
  if (def.plane === 'replica') throw new Error(`${fault.type} is planned per replica, not per provider`);
  return { ...base, plane: 'mock', request: { kind: def.mock, rate: fault.rate, ...wire } as MockFaultRequest };
}
