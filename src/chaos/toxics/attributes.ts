/**
 * Attribute validation shared by the toxics: Toxiproxy decodes attributes into Go int64 fields, so
 * only integers are accepted; we also reject what Go would accept but that hangs or misbehaves.
 */
import { FaultPlaneError } from '../../errors.js';

/** setTimeout's ceiling: Node fires larger delays after 1 ms, which would turn "wait long" into "no wait". */
export const MAX_TIMER_MS = 2_147_483_647;

/** A toxic attribute the toxic cannot work with; the API answers 400 `bad request body: <message>`. */
export class InvalidAttributeError extends FaultPlaneError {}

export interface IntegerRange {
  min: number;
  max: number;
}

/** Reads `raw[name]` as an integer within `range`, naming the field, the value and what is allowed. */
export function integerAttribute(raw: Readonly<Record<string, unknown>>, name: string, range: IntegerRange): number {
  const value = raw[name];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < range.min || value > range.max) {
    throw new InvalidAttributeError(
      `attribute "${name}" must be an integer from ${range.min} to ${range.max}, got ${describe(value)}`,
    );
  }
  return value;
}

function describe(value: unknown): string {
  return value === undefined ? 'nothing' : (JSON.stringify(value) ?? String(value));
}
