/**
 * Events the resilience policies emit, on one typed emitter per chain engine, so the front door
 * can expose them (`GET /relay/events`, `/metrics`) and the harness can put them on its timeline.
 */
import { EventEmitter } from 'node:events';

/** Breaker state names, as they appear in events and metrics. */
export type BreakerStateName = 'closed' | 'open' | 'halfOpen';

export interface BreakerEvent {
  readonly type: 'breaker';
  readonly target: string;
  readonly from: BreakerStateName;
  readonly to: BreakerStateName;
  /** `now()` of the transition (the engine's clock, `performance.now()` ms by default). */
  readonly at: number;
}

export interface CooldownEvent {
  readonly type: 'cooldown';
  readonly target: string;
  /** When the cooldown ends, on the same clock as `at`. */
  readonly untilMs: number;
  /** Why: e.g. `status_429`, `status_5xx` (from the verdict that carried the Retry-After). */
  readonly reason: string;
  readonly at: number;
}

export type PolicyEvent = BreakerEvent | CooldownEvent;

/** Event name -> listener arguments. */
export interface PolicyEventMap {
  breaker: [BreakerEvent];
  cooldown: [CooldownEvent];
}

/** The engine's emitter: `engine.events.on('breaker', (event) => ...)`. */
export type PolicyEvents = EventEmitter<PolicyEventMap>;

/** A new emitter; listeners are the only consumers, so emitting with none attached costs nothing. */
export function createPolicyEvents(): PolicyEvents {
  return new EventEmitter<PolicyEventMap>();
}
