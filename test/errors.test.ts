import { describe, expect, it } from 'vitest';
import {
  ConfigInvalidError,
  EXIT,
  exitCodeFor,
  FaultPlaneError,
  RemoteNotAllowedError,
  RunInterruptedError,
  ScenarioInvalidError,
  ScenarioNotFoundError,
  ServiceStartError,
} from '../src/errors.js';

describe('exitCodeFor', () => {
  it.each([
    [new ScenarioInvalidError('x'), 'SCENARIO_INVALID', EXIT.invalidInput],
    [new ScenarioNotFoundError('a.yaml'), 'SCENARIO_NOT_FOUND', EXIT.invalidInput],
    [new ConfigInvalidError('x'), 'CONFIG_INVALID', EXIT.invalidInput],
    [new FaultPlaneError('x'), 'FAULT_PLANE_FAILED', EXIT.harnessError],
    [new ServiceStartError('x'), 'SERVICE_START_FAILED', EXIT.harnessError],
    [new RunInterruptedError('SIGINT'), 'RUN_INTERRUPTED', EXIT.interrupted],
    [new RemoteNotAllowedError(['api.openai.com']), 'REMOTE_NOT_ALLOWED', EXIT.invalidInput],
  ])('%s -> code %s, exit %i', (error, code, exit) => {
    expect(error.code).toBe(code);
    expect(error.name).toBe(error.constructor.name);
    expect(exitCodeFor(error)).toBe(exit);
  });

  it('treats anything unexpected as a harness error', () => {
    expect(exitCodeFor(new Error('boom'))).toBe(EXIT.harnessError);
    expect(exitCodeFor('boom')).toBe(EXIT.harnessError);
  });

  it('keeps the documented exit codes', () => {
    expect(EXIT).toEqual({ ok: 0, harnessError: 1, gateFailed: 99, invalidInput: 104, interrupted: 130 });
  });
});
