/**
 * JUnit XML for CI: one <testsuite> per run (scenario or variant), one <testcase> per gate (and
 * one for the budget when the scenario sets one: it fails when the budget stopped the load), a
 * <failure> carrying the measured value for each failed one. Run-level problems (interrupted,
 * accounting identity, cleanup) go to the suite's <system-err>, so the testcase count is exactly
 * the gate count (plus the budget). Pure: returns the document.
 */
import { dollars } from '../metrics/spend.js';
import { formatGateValue } from './format.js';
import type { RunResult } from '../scenario/result/result.js';

/** One testcase: a gate, or the budget. */
interface TestCase {
  classname: string;
  name: string;
  /** The failure message; absent when it passed. */
  failure?: string;
}

export function renderJUnit(runs: readonly RunResult[]): string {
  const results = runs.flatMap(suites);
  const tests = results.reduce((n, r) => n + testCases(r).length, 0);
  const failures = results.reduce((n, r) => n + testCases(r).filter((c) => c.failure !== undefined).length, 0);
  const time = results.reduce((t, r) => t + seconds(r), 0);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="relaybench" tests="${tests}" failures="${failures}" errors="0" time="${time.toFixed(3)}">`,
  ];
  for (const result of results) lines.push(...suite(result));
  lines.push('</testsuites>', '');
  return lines.join('\n');
}

/**
 * A variants run becomes one suite per variant (`scenario / variant`), plus one for gates that
 * belong to no single variant (e.g. `{variant:x}`-scoped gates evaluated over the whole matrix).
 */
function suites(result: RunResult): RunResult[] {
  if (!result.variants || result.variants.length === 0) return [result];
  const perVariant = result.variants.map((v) => ({
    ...v.result,
    scenario: { ...v.result.scenario, name: `${result.scenario.name} / ${v.name}` },
  }));
  const matrixGates = result.gates.filter((g) => (g as { variant?: string }).variant === undefined);
  // The budget is each variant's testcase (the one that reached it fails), not the matrix's.
  const matrix = { ...result, gates: matrixGates, variants: undefined, budget: undefined };
  return matrixGates.length > 0 ? [...perVariant, matrix] : perVariant;
}

/** The result's gates, then its budget. */
function testCases(result: RunResult): TestCase[] {
  const name = result.scenario.name;
  const cases = result.gates.map((gate): TestCase => {
    const key = gate.key ?? gate.metric;
    const classname = `relaybench.${name}${gate.origin === 'baseline' ? '.baseline' : ''}`;
    const measured =
      gate.actual === null ? (gate.note ?? 'no data') : `measured ${formatGateValue(gate.metric, gate.actual)}`;
    const failure = gate.passed ? undefined : `${measured}; expected ${key} ${gate.expression}`;
    return { classname, name: `${key}: ${gate.expression}`, ...(failure === undefined ? {} : { failure }) };
  });
  const budget = result.budget;
  if (budget) {
    const failure = `spent ${dollars(budget.spentUsd)} of ${dollars(budget.usd)}: the load was stopped`;
    cases.push({
      classname: `relaybench.${name}.budget`,
      name: `budget: spend < ${dollars(budget.usd)}`,
      ...(budget.reached ? { failure } : {}),
    });
  }
  return cases;
}

function suite(result: RunResult): string[] {
  const name = result.scenario.name;
  const cases = testCases(result);
  const failed = cases.filter((c) => c.failure !== undefined).length;
  const lines = [
    `  <testsuite name="${attr(name)}" tests="${cases.length}" failures="${failed}" errors="0" skipped="0" timestamp="${attr(result.startedAt)}" time="${seconds(result).toFixed(3)}">`,
    '    <properties>',
    `      <property name="scenario.file" value="${attr(result.scenario.file)}"/>`,
    `      <property name="seed" value="${result.scenario.seed}"/>`,
    `      <property name="requests" value="${result.aggregates.scheduled}"/>`,
    `      <property name="success_rate" value="${result.aggregates.successRate}"/>`,
    '    </properties>',
  ];
  for (const c of cases) {
    const open = `    <testcase classname="${attr(c.classname)}" name="${attr(c.name)}" time="0"`;
    if (c.failure === undefined) {
      lines.push(`${open}/>`);
      continue;
    }
    lines.push(
      `${open}>`,
      `      <failure type="gate" message="${attr(c.failure)}">${text(c.failure)}</failure>`,
      '    </testcase>',
    );
  }
  const problems = runProblems(result);
  if (problems.length > 0) lines.push(`    <system-err>${text(problems.join('\n'))}</system-err>`);
  lines.push('  </testsuite>');
  return lines;
}

function runProblems(result: RunResult): string[] {
  const a = result.aggregates;
  return [
    ...(result.interrupted ? ['run interrupted: partial result'] : []),
    ...(a.accountingHolds
      ? []
      : [
          `accounting identity violated: scheduled ${a.scheduled} != ok ${a.ok} + failed ${a.failed} + dropped ${a.dropped}`,
        ]),
    ...result.cleanupErrors.map((e) => `cleanup: ${e}`),
  ];
}

function seconds(result: RunResult): number {
  const ms = Date.parse(result.finishedAt) - Date.parse(result.startedAt);
  return Number.isFinite(ms) && ms > 0 ? ms / 1000 : 0;
}

/** Characters XML 1.0 forbids outright (control characters other than tab, LF, CR). */
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

function text(value: string): string {
  return value.replace(INVALID_XML, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function attr(value: string): string {
  return text(value).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}
