/**
 * The error taxonomy. Every error the harness raises on purpose carries a stable `code`; the one
 * edge that turns errors into exit codes or HTTP statuses is `exitCodeFor` (cli) and the relay's
 * error responder, never the code that throws.
 */

/** Stable machine-readable codes; add new ones here so the table test covers them. */
export type ErrorCode =
  | 'SCENARIO_INVALID'
  | 'SCENARIO_NOT_FOUND'
  | 'CONFIG_INVALID'
  | 'FAULT_PLANE_FAILED'
  | 'SERVICE_START_FAILED'
  | 'RUN_INTERRUPTED'
  | 'REMOTE_NOT_ALLOWED';

export class RelaybenchError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** A scenario file that cannot be run: names the file, line and field. */
export class ScenarioInvalidError extends RelaybenchError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('SCENARIO_INVALID', message, options);
  }
}

export class ScenarioNotFoundError extends RelaybenchError {
  constructor(
    readonly file: string,
    options?: { cause?: unknown },
  ) {
    super('SCENARIO_NOT_FOUND', `scenario file not found: ${file}`, options);
  }
}

/** A relay (or other service) configuration that cannot be used. */
export class ConfigInvalidError extends RelaybenchError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('CONFIG_INVALID', message, options);
  }
}

export class FaultPlaneError extends RelaybenchError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('FAULT_PLANE_FAILED', message, options);
  }
}

export class ServiceStartError extends RelaybenchError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('SERVICE_START_FAILED', message, options);
  }
}

/** A run that would send traffic beyond this machine without `--allow-remote`: names each host. */
export class RemoteNotAllowedError extends RelaybenchError {
  constructor(readonly hosts: readonly string[]) {
    super(
      'REMOTE_NOT_ALLOWED',
      `this run would reach hosts beyond this machine: ${hosts.join(', ')}; ` +
        'pass --allow-remote (or set allow_remote: true in the scenario) to send traffic there',
    );
  }
}

export class RunInterruptedError extends RelaybenchError {
  constructor(readonly signal: NodeJS.Signals) {
    super('RUN_INTERRUPTED', `run interrupted by ${signal}`);
  }
}

/** Exit codes, as documented in the README and DESIGN.md. */
export const EXIT = Object.freeze({
  ok: 0,
  harnessError: 1,
  gateFailed: 99,
  invalidInput: 104,
  interrupted: 130,
});

/** The one mapping from an error to the process exit code. */
export function exitCodeFor(error: unknown): number {
  if (!(error instanceof RelaybenchError)) return EXIT.harnessError;
  switch (error.code) {
    case 'SCENARIO_INVALID':
    case 'SCENARIO_NOT_FOUND':
    case 'CONFIG_INVALID':
    case 'REMOTE_NOT_ALLOWED':
      return EXIT.invalidInput;
    case 'RUN_INTERRUPTED':
      return EXIT.interrupted;
    case 'FAULT_PLANE_FAILED':
    case 'SERVICE_START_FAILED':
      return EXIT.harnessError;
    default: {
      const unreachable: never = error.code;
      return unreachable;
    }
  }
}
