/**
 * `relaybench run <scenario..>`: load -> run -> aggregate -> gates -> report, with all file
 * output and printing here. Ctrl-C stops the load, rolls back faults, stops every process and
 * still writes what was measured.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EXIT } from '../errors.js';
import { aggregate } from '../metrics/aggregate.js';
import { renderMarkdown } from '../report/markdown.js';
import { buildResult, type RunResult } from '../report/result.js';
import { evaluateGates } from '../scenario/gate-values.js';
import { loadScenario } from '../scenario/load.js';
import { runScenario } from '../scenario/runner.js';
import type { Scenario } from '../scenario/schema.js';
import { progressPrinter } from './progress.js';

/** After a second Ctrl-C, how long cleanup may still take before we exit regardless. */
const FORCED_CLEANUP_MS = 3000;

export interface RunCommandOptions {
  scenarios: string[];
  out?: string;
}

export async function runCommand(options: RunCommandOptions): Promise<number> {
  // Validate every file before starting anything: a typo in the third file should not cost a run.
  const scenarios: Scenario[] = [];
  for (const file of options.scenarios) scenarios.push(await loadScenario(file));

  const controller = new AbortController();
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    signals++;
    if (signals === 1) {
      process.stderr.write(`\nrelaybench: ${signal} received: stopping load, rolling back faults (again to force)\n`);
      controller.abort(signal);
    } else if (signals === 2) {
      // Forced: stop waiting for requests in flight, but still try to roll back, briefly.
      process.stderr.write(`relaybench: forcing: cleanup gets ${FORCED_CLEANUP_MS / 1000} s more (again to quit at once)\n`);
      setTimeout(() => process.exit(EXIT.interrupted), FORCED_CLEANUP_MS).unref();
    } else {
      process.exit(EXIT.interrupted); // services follow us out through their IPC channel
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let exitCode: number = EXIT.ok;
  try {
    for (const scenario of scenarios) {
      const result = await runOne(scenario, controller.signal, options.out);
      exitCode = Math.max(exitCode, exitCodeOf(result));
      if (result.interrupted) break;
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  return exitCode;
}

async function runOne(scenario: Scenario, signal: AbortSignal, out: string | undefined): Promise<RunResult> {
  const outcome = await runScenario(scenario, {
    signal,
    onEvent: progressPrinter(),
    faultPlaneUrl: process.env.TOXIPROXY_URL || undefined,
  });
  const lastEnd = outcome.records.reduce((max, r) => Math.max(max, r.endMs), 0);
  const aggregates = aggregate({
    records: outcome.records,
    scheduled: outcome.scheduled,
    windows: outcome.windows,
    primary: scenario.target.chain[0]!,
    durationMs: outcome.interrupted ? Math.max(1, lastEnd) : scenario.load.duration,
  });
  const gates = evaluateGates(scenario.gates, aggregates);
  const result = buildResult(outcome, aggregates, gates);

  const dir = out ?? join('reports', 'runs', `${scenario.name}-${outcome.startedAt.replace(/[:.]/g, '-')}`);
  await mkdir(dir, { recursive: true });
  const markdown = renderMarkdown(result);
  await writeFile(join(dir, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
  await writeFile(join(dir, 'report.md'), `${markdown}\n`);

  process.stdout.write(`\n${markdown}\n`);
  process.stdout.write(`wrote ${join(dir, 'result.json')} and report.md\n`);
  return result;
}

function exitCodeOf(result: RunResult): number {
  if (result.interrupted) return EXIT.interrupted;
  if (!result.aggregates.accountingHolds || result.cleanupErrors.length > 0) return EXIT.harnessError;
  return result.gates.every((g) => g.passed) ? EXIT.ok : EXIT.gateFailed;
}
