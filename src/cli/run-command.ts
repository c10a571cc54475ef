/**
 * `relaybench run <scenario..>`: load -> run -> aggregate -> gates -> report, with all file
 * output and printing here. Ctrl-C stops the load, rolls back faults, stops every process and
 * still writes what was measured.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { EXIT } from '../errors.js';
import { aggregate, type Aggregates } from '../metrics/aggregate.js';
import type { PriceBook } from '../metrics/cost.js';
import { renderJUnit } from '../report/junit.js';
import { baselineGates, parseTolerance, REGRESSION_DEFAULTS } from '../report/regression.js';
import { buildResult, type Pricing, type RunResult, type VariantRun } from '../scenario/run/result.js';
import { combineVariants } from '../scenario/run/combine-variants.js';
import { evaluateGates, shouldAbort } from '../scenario/gate-values.js';
import { loadScenario } from '../scenario/load.js';
import { DEFAULT_MONTHLY_TOKENS } from '../scenario/report-schema.js';
import { runScenario } from '../scenario/runner.js';
import type { Scenario } from '../scenario/schema.js';
import { defaultPriceBooks, loadPriceBooksFlag } from './price-book-file.js';
import { progressPrinter } from './progress.js';
import { writeReportFiles } from './report-files.js';
import { readResultFile } from './result-file.js';
import { applyOverrides, validateOverrides } from './run-overrides.js';

/** After a second Ctrl-C, how long cleanup may still take before we exit regardless. */
const FORCED_CLEANUP_MS = 3000;

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
}

/** What the flags add to every run, resolved (and validated) before anything starts. */
interface RunExtras {
  baseline?: Aggregates;
  tolerance: number;
  /** --prices books; each scenario's own books or the defaults otherwise. */
  prices?: PriceBook[];
}

export async function runCommand(options: RunCommandOptions): Promise<number> {
  // Validate every file and flag before starting anything: a typo in the third file should not cost a run.
  const overrides = { seed: options.seed, durationScale: options.durationScale };
  validateOverrides(overrides);
  const extras: RunExtras = {
    tolerance:
      options.baselineTolerance === undefined
        ? REGRESSION_DEFAULTS.latencyTolerance
        : parseTolerance(options.baselineTolerance),
    prices: loadPriceBooksFlag(options.prices),
  };
  if (options.baseline !== undefined)
    extras.baseline = (await readResultFile(options.baseline, 'baseline result.json')).aggregates;
  const scenarios: Scenario[] = [];
  for (const file of options.scenarios) scenarios.push(applyOverrides(await loadScenario(file), overrides));

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
    for (const scenario of scenarios) {
      // Several scenarios with one --out: each gets its own folder in it, named after the scenario.
      const out = options.out !== undefined && scenarios.length > 1 ? join(options.out, scenario.name) : options.out;
      const result = await runOne(scenario, controller.signal, out, extras);
      results.push(result);
      exitCode = Math.max(exitCode, exitCodeOf(result));
      if (result.interrupted) break;
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

async function runOne(
  scenario: Scenario,
  signal: AbortSignal,
  out: string | undefined,
  extras: RunExtras,
): Promise<RunResult> {
  const dir = out ?? join('reports', 'runs', `${scenario.name}-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  let result: RunResult;
  if (scenario.variants.length === 0) {
    result = await measure(scenario, signal, dir, extras);
  } else {
    // Variants run in turn, each with its own processes and run directory, same seed, load and faults.
    const runs: VariantRun[] = [];
    for (const [index, variant] of scenario.variants.entries()) {
      process.stderr.write(`relaybench: variant ${index + 1}/${scenario.variants.length}: ${variant.name}\n`);
      const variantDir = join(
        dir,
        `variant-${index + 1}-${variant.name.replace(/[^a-z0-9_-]+/gi, '-').replace(/^-|-$/g, '')}`,
      );
      const measured = await measure(variant.scenario, signal, variantDir, extras, variant.name);
      runs.push({ name: variant.name, result: measured });
      if (measured.interrupted) break;
    }
    result = combineVariants(runs);
  }

  const { markdown, files } = await writeReportFiles(dir, result);
  process.stdout.write(`\n${markdown}\n`);
  process.stdout.write(`wrote ${files.join(', ')}\n`);
  return result;
}

/** One configuration: run, aggregate, gate. Files the run makes (configs, a gateway's log) go to `runDir`. */
async function measure(
  scenario: Scenario,
  signal: AbortSignal,
  runDir: string,
  extras: RunExtras,
  variant?: string,
): Promise<RunResult> {
  // Gates scoped to another variant are that variant's business; the rest apply here.
  const gates = [
    ...scenario.gates,
    ...(extras.baseline ? baselineGates(extras.baseline, extras.tolerance) : []),
  ].filter((gate) => gate.scope.variant === undefined || gate.scope.variant === variant);
  const primary = scenario.target.chain[0]!;
  const variants = (aggregates: Aggregates) => (variant === undefined ? undefined : { [variant]: aggregates });
  const printer = progressPrinter(process.stderr, { offeredPerSecond: scenario.load.rate || undefined });
  const abortGates = gates.filter((gate) => gate.abortOnFail !== undefined);
  const outcome = await runScenario(scenario, {
    signal,
    onEvent: printer,
    onRecord: (record) => printer.observe(record),
    faultPlaneUrl: process.env.TOXIPROXY_URL || undefined,
    runDir,
    ...(abortGates.length === 0
      ? {}
      : {
          abortCheck: (records, elapsedMs) => {
            const partial = aggregate({
              records,
              scheduled: records.length,
              windows: [],
              primary,
              durationMs: Math.max(1, elapsedMs),
            });
            const failed = shouldAbort(abortGates, partial, elapsedMs, variants(partial));
            return failed === undefined
              ? undefined
              : `gate ${failed.gate.key}: ${failed.gate.source} failed (abort_on_fail)`;
          },
        }),
  });
  const books = extras.prices ?? scenario.priceBooks ?? defaultPriceBooks();
  const lastEnd = outcome.records.reduce((max, r) => Math.max(max, r.endMs), 0);
  const stoppedEarly = outcome.interrupted || outcome.abortedBy !== undefined;
  const aggregates = aggregate({
    records: outcome.records,
    scheduled: outcome.scheduled,
    // A fault on a provider this configuration never calls (a direct run beside a relay's chain) is not its window.
    windows: outcome.windows.filter((w) => calledProviders(scenario).includes(w.provider)),
    primary,
    durationMs: stoppedEarly ? Math.max(1, lastEnd) : scenario.load.duration,
    prices: books[0],
    providerModels: Object.fromEntries(scenario.providers.map((p) => [p.name, p.model])),
    ...(outcome.relayEvents ? { relayEvents: outcome.relayEvents } : {}),
  });
  const results = evaluateGates(gates, aggregates, { variants: variants(aggregates) });
  const {
    monthly_tokens: monthlyTokens,
    monthly_requests: monthlyRequests,
    downtime_cost_per_hour: downtimeCostPerHour,
  } = scenario.report;
  const pricing: Pricing = {
    books,
    ...(monthlyRequests === undefined
      ? { monthlyTokens: monthlyTokens ?? DEFAULT_MONTHLY_TOKENS }
      : { monthlyRequests }),
    ...(downtimeCostPerHour === undefined ? {} : { downtimeCostPerHour }),
  };
  return buildResult(outcome, aggregates, results, pricing);
}

/** The providers a configuration can reach: a direct target calls only the first of its chain. */
function calledProviders(scenario: Scenario): string[] {
  const chain = scenario.target.chain;
  return scenario.target.kind === 'direct' ? chain.slice(0, 1) : chain;
}

function exitCodeOf(result: RunResult): number {
  const parts = result.variants?.map((v) => v.result) ?? [result];
  return Math.max(...parts.map(exitCodeOfOne));
}

function exitCodeOfOne(result: RunResult): number {
  if (result.interrupted) return EXIT.interrupted;
  if (!result.aggregates.accountingHolds || result.cleanupErrors.length > 0) return EXIT.harnessError;
  return result.gates.every((g) => g.passed) ? EXIT.ok : EXIT.gateFailed;
}
