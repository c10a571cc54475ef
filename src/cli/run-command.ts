/**
 * `relaybench run <scenario..>`: parses the flags, hands each scenario to the run pipeline
 * (scenario/run/run-scenario.ts), writes result.json and the reports, prints, and maps the result
 * to an exit code. Ctrl-C aborts the run's signal: the pipeline stops the load, rolls back faults,
 * stops every process and still returns what was measured, which is written here.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ConfigInvalidError, EXIT, RemoteNotAllowedError } from '../errors.js';
import { isLoopbackHost } from '../net/loopback.js';
import type { PriceBook } from '../metrics/cost.js';
import { renderJUnit } from '../report/junit.js';
import { parseTolerance, REGRESSION_DEFAULTS } from '../scenario/gates/baseline.js';
import { loadScenario } from '../scenario/schema/loader.js';
import { validatePlanOptions } from '../scenario/plan/plan-options.js';
import type { Baseline } from '../scenario/run/measure.js';
import type { RunResult } from '../scenario/result/result.js';
import { checkReach } from '../scenario/run/reach.js';
import { checkEnv } from '../scenario/run/required-env.js';
import { runScenario, type RunScenarioOptions } from '../scenario/run/run-scenario.js';
import type { Scenario } from '../scenario/schema/scenario.js';
import { loadPriceBooksFlag } from './price-book-file.js';
import { progressPrinter } from './progress.js';
import { consoleSummary } from '../report/console-summary.js';
import { renderRepeatMarkdown, summarizeRepeats } from '../report/repeat-summary.js';
import { writeReportFiles } from './report-files.js';
import { parseShardFlags } from '../scenario/shard/shard-spec.js';
import { runShardCommand } from './shard-run-command.js';
import { readResultFile } from './result-file.js';
import { writeRecordsFiles } from './records-files.js';

/** After a second Ctrl-C, how long cleanup may still take before we exit regardless. */
const FORCED_CLEANUP_MS = 3000;
const MAX_REPEAT = 50;

export interface RunCommandOptions {
  scenarios: string[];
  out?: string;
  /** Overrides every scenario's seed. */
  seed?: number;
  /** Scales load duration, warmup and fault times (0.5 = half as long). */
  durationScale?: number;
  /** Write JUnit XML here: one testcase per gate, for every scenario run. */
  junit?: string;
  /** A result.json to gate against: p99 and success-rate regression gates are added. */
  baseline?: string;
  /** Allowed p99 regression, `10%` by default. */
  baselineTolerance?: string;
  /** Price books for cost, side by side (default: the scenario's `report.price_books`, else list-2026 and relay-2026). */
  prices?: string[];
  /** A Toxiproxy-compatible fault plane to use (default: TOXIPROXY_URL, else the embedded one). */
  faultPlane?: string;
  /** Allow traffic to hosts beyond this machine. */
  allowRemote?: boolean;
  /** Run each scenario this many times (same seed) and summarise the spread (repeat.md, repeat.json). */
  repeat?: number;
  /** `I/N`: run as shard I of N (shard-run-command.ts), with `startAt` and, optionally, `coordinator`. */
  shard?: string;
  startAt?: string | number;
  coordinator?: boolean;
  /** A load-only shard: the target's base URL instead of the coordinator's target.json in --out. */
  targetUrl?: string;
  /**
   * Per-request records and the mocks' request logs as gzip JSON lines: a `.jsonl.gz` file (the
   * mocks' file beside it) or a directory (cli/records-files.ts).
   */
  records?: string;
}

/** What the flags add to every run, resolved (and validated) before anything starts. */
interface RunExtras {
  faultPlaneUrl: string | undefined;
  allowRemote: boolean;
  baseline?: Baseline;
  /** --prices books; each scenario's own books or the defaults otherwise. */
  prices?: PriceBook[];
  /** --records, for this scenario. */
  records?: string;
}

export async function runCommand(options: RunCommandOptions): Promise<number> {
  // Validate every file and flag before starting anything: a typo in the third file should not cost a run.
  const plan = { seed: options.seed, durationScale: options.durationScale };
  validatePlanOptions(plan);
  const repeat = repeatCount(options.repeat);
  const tolerance =
    options.baselineTolerance === undefined
      ? REGRESSION_DEFAULTS.latencyTolerance
      : parseTolerance(options.baselineTolerance);
  const extras: RunExtras = {
    prices: loadPriceBooksFlag(options.prices),
    faultPlaneUrl: options.faultPlane ?? (process.env.TOXIPROXY_URL || undefined),
    allowRemote: options.allowRemote === true,
  };
  if (options.baseline !== undefined) {
    const baseline = await readResultFile(options.baseline, 'baseline result.json');
    extras.baseline = { aggregates: baseline.aggregates, tolerance };
  }
  const shard = parseShardFlags(options);
  if (shard !== undefined) checkShardFlags(options);
  const scenarios: Scenario[] = [];
  for (const file of options.scenarios) scenarios.push(await loadScenario(file, plan));
  // Every file is checked before the first starts: a refusal must not come after a finished run.
  for (const scenario of scenarios) {
    checkEnv(scenario);
    checkReach(scenario, extras);
  }

  const controller = new AbortController();
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    signals++;
    if (signals === 1) {
      process.stderr.write(`\nrelaybench: ${signal} received: stopping load, rolling back faults (again to force)\n`);
      controller.abort(signal);
    } else if (signals === 2) {
      // Forced: stop waiting for requests in flight, but still try to roll back, briefly.
      process.stderr.write(
        `relaybench: forcing: cleanup gets ${FORCED_CLEANUP_MS / 1000} s more (again to quit at once)\n`,
      );
      setTimeout(() => process.exit(EXIT.interrupted), FORCED_CLEANUP_MS).unref();
    } else {
      process.exit(EXIT.interrupted); // services follow us out through their IPC channel
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let exitCode: number = EXIT.ok;
  const results: RunResult[] = [];
  try {
    if (shard !== undefined) {
      const out = options.out ?? defaultOut(scenarios[0]!);
      const shardOptions = { shard, out, targetUrl: options.targetUrl, signal: controller.signal };
      exitCode = await runShardCommand(scenarios[0]!, { ...shardOptions, faultPlaneUrl: extras.faultPlaneUrl });
    }
    for (const scenario of shard === undefined ? scenarios : []) {
      // Several scenarios with one --out: each gets its own folder in it, named after the scenario.
      const out = options.out !== undefined && scenarios.length > 1 ? join(options.out, scenario.name) : options.out;
      const records =
        options.records === undefined ? undefined : recordsFor(options.records, scenario, scenarios.length);
      const withRecords = records === undefined ? extras : { ...extras, records };
      if (repeat === 1) {
        const result = await runOne(scenario, controller.signal, out, withRecords);
        results.push(result);
        exitCode = Math.max(exitCode, exitCodeOf(result));
        if (result.interrupted) break;
        continue;
      }
      const repeated = await runRepeated(scenario, repeat, controller.signal, out ?? defaultOut(scenario), withRecords);
      results.push(...repeated);
      exitCode = Math.max(exitCode, ...repeated.map(exitCodeOf));
      if (repeated.some((r) => r.interrupted)) break;
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    // Written even after a harness error or an interrupt: CI should see the gates that did run.
    if (options.junit !== undefined) await writeJUnit(options.junit, results);
  }
  return exitCode;
}

async function writeJUnit(file: string, results: readonly RunResult[]): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, renderJUnit(results));
  process.stdout.write(`wrote ${file}\n`);
}

/** What a shard run cannot combine with. @throws ConfigInvalidError naming the flag. */
function checkShardFlags(options: RunCommandOptions): void {
  if (options.scenarios.length !== 1) throw new ConfigInvalidError('--shard: runs exactly one scenario file');
  if (options.targetUrl !== undefined) {
    if (!URL.canParse(options.targetUrl))
      throw new ConfigInvalidError(`--target-url: expected a URL, got ${JSON.stringify(options.targetUrl)}`);
    const host = new URL(options.targetUrl).hostname.replace(/^\[|\]$/g, '');
    if (!isLoopbackHost(host) && options.allowRemote !== true) throw new RemoteNotAllowedError([host]);
  }
  const refused = (['repeat', 'baseline', 'junit'] as const).filter((flag) => options[flag] !== undefined);
  if (refused.length > 0)
    throw new ConfigInvalidError(
      `--shard: --${refused[0]} applies to the merged result; pass it to \`relaybench merge\` instead`,
    );
}

function defaultOut(scenario: Scenario): string {
  return join('reports', 'runs', `${scenario.name}-${new Date().toISOString().replace(/[:.]/g, '-')}`);
}

/** --repeat: 1 when absent; else a whole number from 1 to 50. @throws ConfigInvalidError naming the flag. */
function repeatCount(value: number | undefined): number {
  if (value === undefined) return 1;
  if (!Number.isInteger(value) || value < 1 || value > MAX_REPEAT)
    throw new ConfigInvalidError(`--repeat: expected a whole number from 1 to ${MAX_REPEAT}, got ${String(value)}`);
  return value;
}

/** The scenario `times` times into dir/run-<i>/, then repeat.json and repeat.md in dir. */
async function runRepeated(
  scenario: Scenario,
  times: number,
  signal: AbortSignal,
  dir: string,
  extras: RunExtras,
): Promise<RunResult[]> {
  const results: RunResult[] = [];
  for (let i = 1; i <= times && !signal.aborted; i++) {
    process.stderr.write(`relaybench: run ${i} of ${times} (seed ${scenario.seed})\n`);
    const result = await runOne(scenario, signal, join(dir, `run-${i}`), extras, i);
    results.push(result);
    if (result.interrupted) break;
  }
  const summary = summarizeRepeats(results);
  const markdown = renderRepeatMarkdown(summary);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'repeat.json'), `${JSON.stringify(summary, null, 2)}\n`);
  await writeFile(join(dir, 'repeat.md'), `${markdown}\n`);
  process.stdout.write(`\n${markdown}\nwrote ${join(dir, 'repeat.json')}, ${join(dir, 'repeat.md')}\n`);
  return results;
}

async function runOne(
  scenario: Scenario,
  signal: AbortSignal,
  out: string | undefined,
  extras: RunExtras,
  repeatIndex?: number,
): Promise<RunResult> {
  const dir = out ?? defaultOut(scenario);
  const printer = progressPrinter(process.stderr);
  const { records, ...runExtras } = extras;
  const result = await runScenario(scenario, {
    ...runExtras,
    ...(records === undefined ? {} : recordsHooks(records, repeatIndex)),
    signal,
    onEvent: printer,
    onRecord: (record) => printer.observe(record),
    runDir: dir,
  });
  const { files } = await writeReportFiles(dir, result);
  process.stdout.write(`\n${consoleSummary(result, files)}\n`);
  return result;
}

/** Several scenarios share one --records: each gets its own directory, or its name in the file's. */
function recordsFor(path: string, scenario: Scenario, count: number): string {
  if (count === 1) return path;
  return path.endsWith('.jsonl.gz')
    ? path.replace(/\.jsonl\.gz$/, `-${scenario.name}.jsonl.gz`)
    : join(path, scenario.name);
}

/** Keeps headers and the mocks' logs, and writes each played configuration's files. */
function recordsHooks(
  path: string,
  repeatIndex: number | undefined,
): Pick<RunScenarioOptions, 'keepDetail' | 'onOutcome'> {
  return {
    keepDetail: true,
    onOutcome: async (outcome, variant) => {
      const files = await writeRecordsFiles(path, outcome, variant, repeatIndex);
      process.stdout.write(`wrote ${files.join(', ')}\n`);
    },
  };
}

function exitCodeOf(result: RunResult): number {
  const parts = result.variants?.map((v) => v.result) ?? [result];
  return Math.max(...parts.map(exitCodeOfOne));
}

function exitCodeOfOne(result: RunResult): number {
  if (result.interrupted) return EXIT.interrupted;
  if (!result.aggregates.accountingHolds || result.cleanupErrors.length > 0) return EXIT.harnessError;
  // A reached budget stopped the load: a verdict like an abort-on-fail gate's.
  return result.gates.every((g) => g.passed) && result.budget?.reached !== true ? EXIT.ok : EXIT.gateFailed;
}
