/**
 * Invalid load options (schedule, mix, prompt set). A kind of CONFIG_INVALID, so the CLI's one
 * error edge maps it without knowing about load; the message names the field, the value received
 * and what is allowed.
 */
import { ConfigInvalidError } from '../errors.js';

export class LoadOptionError extends ConfigInvalidError {
  constructor(
    readonly field: string,
    readonly received: unknown,
    readonly allowed: string,
    options?: { cause?: unknown },
  ) {
    super(`load option ${field}: got ${describe(received)}, expected ${allowed}`, options);
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
