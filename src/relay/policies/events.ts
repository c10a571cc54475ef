/**
 * Events the resilience policies emit, on one typed emitter per chain engine, so the front door
 * can expose them (`GET /relay/events`, `/metrics`) and the harness can put them on its timeline.
 */
import { EventEmitter } from 'node:events';
import type { PolicyEventMap, PolicyEvents } from '../contract.js';

export type {
  BreakerEvent,
  BreakerStateName,
  CooldownEvent,
  PolicyEvent,
  PolicyEventMap,
  PolicyEvents,
} from '../contract.js';

/** A new emitter; listeners are the only consumers, so emitting with none attached costs nothing. */
export function createPolicyEvents(): PolicyEvents {
  return new EventEmitter<PolicyEventMap>();
}
