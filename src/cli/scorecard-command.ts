/**
 * `relaybench scorecard [--target builtin|URL|file.yaml] [--under-load 50/s|off] [--modes a,b] [--out dir]`:
 * every failure mode (src/scorecard/modes.ts) against a gateway with a primary and a fallback
 * behind the fault plane, with single requests and under load; prints the verdict table, writes
 * scorecard.md and scorecard.json, and exits 99 when a mode is `fail` (a CI gate), 1 when the harness could not run
 * a mode, 0 otherwise.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigInvalidError, EXIT } from '../errors.js';
import { checkReach } from '../scenario/run/reach.js';
import { checkEnv } from '../scenario/run/required-env.js';
import type { Pace } from '../scorecard/mode-scenario.js';
import { FAILURE_MODES, selectModes } from '../scorecard/modes.js';
import { runScorecard, type ScorecardProgress, type ScorecardResult } from '../scorecard/run-scorecard.js';
import { parseScorecardTarget } from '../scorecard/scorecard-target.js';
import { renderScorecardJson, renderScorecardMarkdown } from '../scorecard/scorecard-table.js';
import { parseRatePerSecond } from '../units.js';
import { DEFAULT_UNDER_LOAD } from './scorecard-options.js';

/** Single requests: a few inside each fault window. */
const SINGLE_RATE = 2;

export interface ScorecardCommandOptions {
  target?: string | undefined;
  underLoad?: string | undefined;
  modes?: string | undefined;
  out?: string | undefined;
  faultPlane?: string | undefined;
  allowRemote?: boolean | undefined;
}

/** Runs the scorecard, prints and writes it; returns the exit code (99 when a mode fails). */
export async function scorecardCommand(options: ScorecardCommandOptions): Promise<number> {
  const target = parseScorecardTarget(options.target);
  const paces = pacesOf(options.underLoad ?? DEFAULT_UNDER_LOAD);
  const names = options.modes
    ?.split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '');
  const { modes, unknown } = selectModes(names);
  if (unknown.length > 0) {
    throw new ConfigInvalidError(
      `--modes: unknown mode(s) ${unknown.join(', ')}; modes: ${FAILURE_MODES.map((m) => m.name).join(', ')}`,
    );
  }
  const faultPlaneUrl = options.faultPlane ?? (process.env.TOXIPROXY_URL || undefined);
  const out = options.out ?? join('reports', 'runs', `scorecard-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  const controller = new AbortController();
  const onSignal = (): void => controller.abort('SIGINT');
  process.once('SIGINT', onSignal);
  let result: ScorecardResult;
  try {
    result = await runScorecard({
      target,
      modes,
      paces,
      runDir: join(out, 'runs'),
      faultPlaneUrl,
      signal: controller.signal,
      onProgress: printProgress,
      check: (scenario) => {
        checkEnv(scenario);
        checkReach(scenario, { faultPlaneUrl, allowRemote: options.allowRemote === true });
      },
    });
  } finally {
    process.off('SIGINT', onSignal);
  }
  const markdown = renderScorecardMarkdown(result);
  await mkdir(out, { recursive: true });
  await writeFile(join(out, 'scorecard.md'), `${markdown}\n`);
  await writeFile(join(out, 'scorecard.json'), renderScorecardJson(result));
  process.stdout.write(`\n${markdown}\n\nwrote ${join(out, 'scorecard.md')}, ${join(out, 'scorecard.json')}\n`);
  return exitCodeOf(result);
}

function pacesOf(underLoad: string): Pace[] {
  const single: Pace = { name: 'single', rate: SINGLE_RATE };
  if (underLoad === 'off') return [single];
  const rate = parseRatePerSecond(underLoad);
  if (rate === undefined || !(rate > SINGLE_RATE)) {
    throw new ConfigInvalidError(
      `--under-load: expected a rate above ${SINGLE_RATE}/s such as 50/s (or off), got ${JSON.stringify(underLoad)}`,
    );
  }
  return [single, { name: 'under load', rate }];
}

function printProgress(event: ScorecardProgress): void {
  if (event.kind === 'mode-start') {
    const { pace, mode, index, total } = event;
    process.stderr.write(
      `relaybench: [${index + 1}/${total}] ${pace.name} (${pace.rate}/s): ${mode.name}: ${mode.story}\n`,
    );
  } else {
    const r = event.result;
    process.stderr.write(`  ${r.verdict}: ${r.requests} in window; ${r.evidence.join('; ')}\n`);
  }
}

function exitCodeOf(result: ScorecardResult): number {
  if (result.interrupted) return EXIT.interrupted;
  if (result.results.some((r) => r.verdict === 'error' || r.cleanupErrors.length > 0)) return EXIT.harnessError;
  return result.results.some((r) => r.verdict === 'fail') ? EXIT.gateFailed : EXIT.ok;
}
