/**
 * JUnit XML for CI: one <testsuite> per run (scenario or variant), one <testcase> per gate,
 * a <failure> carrying the measured value for each failed gate. Run-level problems (interrupted,
 * accounting identity, cleanup) go to the suite's <system-err>, so the testcase count is exactly
 * the gate count. Pure: returns the document.
 */
import { formatGateValue } from './format.js';
import type { RunResult } from '../scenario/result/result.js';

export function renderJUnit(runs: readonly RunResult[]): string {
  const results = runs.flatMap(suites);
  const tests = results.reduce((n, r) => n + r.gates.length, 0);
  const failures = results.reduce((n, r) => n + r.gates.filter((g) => !g.passed).length, 0);
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
  return matrixGates.length > 0 ? [...perVariant, { ...result, gates: matrixGates, variants: undefined }] : perVariant;
}

function suite(result: RunResult): string[] {
  const name = result.scenario.name;
  const failed = result.gates.filter((g) => !g.passed).length;
  const lines = [
    `  <testsuite name="${attr(name)}" tests="${result.gates.length}" failures="${failed}" errors="0" skipped="0" timestamp="${attr(result.startedAt)}" time="${seconds(result).toFixed(3)}">`,
    '    <properties>',
    `      <property name="scenario.file" value="${attr(result.scenario.file)}"/>`,
    `      <property name="seed" value="${result.scenario.seed}"/>`,
    `      <property name="requests" value="${result.aggregates.scheduled}"/>`,
    `      <property name="success_rate" value="${result.aggregates.successRate}"/>`,
    '    </properties>',
  ];
  for (const gate of result.gates) {
    const key = gate.key ?? gate.metric;
    const testName = `${key}: ${gate.expression}`;
    const classname = `relaybench.${name}${gate.origin === 'baseline' ? '.baseline' : ''}`;
    const open = `    <testcase classname="${attr(classname)}" name="${attr(testName)}" time="0"`;
    if (gate.passed) {
      lines.push(`${open}/>`);
      continue;
    }
    const measured =
      gate.actual === null ? (gate.note ?? 'no data') : `measured ${formatGateValue(gate.metric, gate.actual)}`;
    const message = `${measured}; expected ${key} ${gate.expression}`;
    lines.push(
      `${open}>`,
      `      <failure type="gate" message="${attr(message)}">${text(message)}</failure>`,
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
