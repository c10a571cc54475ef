/**
 * One failure mode as a short scenario, run through the ordinary pipeline: a primary and a
 * fallback (OpenAI-compatible mocks, each behind its fault-plane proxy), the target in front of
 * them with the chain primary -> fallback, a steady load at the pace's rate, and the mode's
 * fault(s) on the primary for the middle of the run.
 */
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import { parseScenario } from '../scenario/schema/loader.js';
import type { Scenario } from '../scenario/schema/scenario.js';
import type { FailureMode } from './modes.js';
import type { ScorecardTarget } from './scorecard-target.js';
import { URL_TARGET_PROXY_PORTS } from './url-target-ports.js';

/** How often requests arrive: a few single requests in the window, or a load. */
export interface Pace {
  name: 'single' | 'under load';
  /** Requests per second. */
  rate: number;
}

/** Every mode's timing, in ms: short, so a whole scorecard takes minutes. */
export interface ModeTiming {
  warmupMs: number;
  durationMs: number;
  faultAtMs: number;
  faultForMs: number;
  /** The client's deadline: a request still open then is a hang. */
  clientTimeoutMs: number;
}

export const DEFAULT_TIMING: Readonly<ModeTiming> = Object.freeze({
  warmupMs: 1000,
  durationMs: 5000,
  faultAtMs: 1000,
  faultForMs: 3000,
  clientTimeoutMs: 10_000,
});

export const FAULTED = 'primary';

/** The scenario for `mode` at `pace` against `target`; validated like any scenario file. */
export function modeScenario(mode: FailureMode, pace: Pace, target: ScorecardTarget, timing: ModeTiming): Scenario {
  const name = `scorecard-${mode.name}-${pace.name.replace(' ', '-')}`;
  const proxy = (role: 'primary' | 'fallback'): object =>
    target.kind === 'url' ? { proxy_port: URL_TARGET_PROXY_PORTS[role] } : {};
  const window = { at: `${timing.faultAtMs}ms`, for: `${timing.faultForMs}ms` };
  const text = stringify({
    name,
    description: `relaybench scorecard: ${mode.story} (${mode.name}), ${pace.name} at ${pace.rate}/s`,
    seed: 1,
    providers: [
      { name: FAULTED, model: 'gpt-4.1-mini', latency: '20ms', ...proxy('primary'), ...mode.providers?.primary },
      { name: 'fallback', model: 'deepseek-chat', latency: '30ms', ...proxy('fallback'), ...mode.providers?.fallback },
    ],
    target: targetSection(target, mode),
    load: {
      rate: `${pace.rate}/s`,
      duration: `${timing.durationMs}ms`,
      warmup: `${timing.warmupMs}ms`,
      timeout: `${timing.clientTimeoutMs}ms`,
      model: 'gpt-4.1-mini',
      max_tokens: 16,
      mix: { stream_ratio: mode.stream ? 1 : 0 },
    },
    faults: [
      ...mode.faults.map((fault) => ({ ...fault, provider: FAULTED, ...window })),
      ...(mode.fallbackFaults ?? []).map((fault) => ({ ...fault, provider: 'fallback', ...window })),
    ],
  });
  // A target file's relative paths (its command) resolve from its own directory, as in a scenario.
  const file = target.kind === 'file' ? join(dirname(target.file), `${name}.yaml`) : `${name}.yaml`;
  return parseScenario(text, file);
}

/**
 * Our relay as a user would configure it in front of a client with a 10 s deadline: 2 s per
 * attempt, and at most 5 s of silence inside a served stream (its default, 15 s, is for clients
 * that wait longer). Documented with the scorecard in the README.
 */
export const BUILTIN_TARGET = Object.freeze({ attempt_timeout: '2s', stream_idle_timeout: '5s' });

function targetSection(target: ScorecardTarget, mode: FailureMode): Record<string, unknown> {
  const chain = [FAULTED, 'fallback'];
  switch (target.kind) {
    case 'builtin': {
      const entries = chain.map((role) => {
        const settings = mode.relay?.[role as 'primary' | 'fallback'];
        return settings === undefined ? role : { provider: role, ...settings };
      });
      return { kind: 'builtin', chain: entries, ...BUILTIN_TARGET };
    }
    case 'url':
      return { kind: 'external', chain, url: target.url };
    case 'file':
      return { ...target.target, chain };
    default: {
      const unreachable: never = target;
      return unreachable;
    }
  }
}
