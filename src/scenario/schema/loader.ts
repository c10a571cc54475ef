/**
 * Loads a scenario file: YAML -> `extends` merged -> schema validation -> typed Scenario, with
 * its `variants` expanded and each validated as a full scenario. Every problem is reported as
 * `file:line:col: field: message`, all of them at once and in the file that holds the bad field
 * (a base, or the variant that wrote it), so a user fixes a file in one pass. Files a scenario
 * refers to (bases, prompt sets, config templates) are read and checked here, not mid-run.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, extname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigInvalidError, ScenarioInvalidError, ScenarioNotFoundError } from '../../errors.js';
import { LoadOptionError } from '../../load/load-errors.js';
import { promptChoices, type PromptInput } from '../../load/prompt-set.js';
import { createRequestMix } from '../../load/request-mix.js';
import { createSchedule } from '../../load/schedule.js';
import type { PriceBook } from '../../metrics/cost.js';
import { trustedWith } from '../../net/dial.js';
import { parseRelayConfig } from '../../relay/config.js';
import type { IssuePath } from '../../yaml-errors.js';
import { deepMerge } from './deep-merge.js';
import { resolveExtends } from './extends.js';
import { planFaults } from '../plan/fault-plan.js';
import { applyPlanOptions, validatePlanOptions, type PlanOptions } from '../plan/plan-options.js';
import { duplicateBookName, priceBookPath, readPriceBook } from './price-books.js';
import { describeAtLayers, describeIssues, ownerOf, type Layer } from './provenance.js';
import { relayConfigFor } from '../fixture/relay-config.js';
import { scenarioSchema, type Scenario, type Variant } from './scenario.js';
import { checkContext, unknownPlaceholders } from './template.js';
import { resolveTrace } from './trace-source.js';
import { expandVariants } from './variants.js';

/**
 * Reads, validates and plans a scenario file; `options` (seed, duration scale) are applied once,
 * to the parsed inputs, before the fault schedule is planned.
 */
export async function loadScenario(file: string, options: PlanOptions = {}): Promise<Scenario> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new ScenarioNotFoundError(file, { cause: error });
    throw new ScenarioInvalidError(`${file}: cannot read: ${(error as Error).message}`, { cause: error });
  }
  return parseScenario(text, file, options);
}

/** Parses scenario text; `file` is used for messages, the default name and relative paths. */
export function parseScenario(text: string, file: string, options: PlanOptions = {}): Scenario {
  validatePlanOptions(options);
  const { raw, layers, bases } = resolveExtends(text, file);
  const problems: string[] = [];
  const build = (merged: Record<string, unknown>, at: readonly Layer[], lines: string[]): Scenario | undefined =>
    buildScenario(merged, at, { file, bases, options }, lines);
  const scenario = build(raw, layers, problems);
  if (scenario === undefined || problems.length > 0) throw invalid(file, problems);
  const overrides = expandVariants(raw.variants, layers, (path, message) =>
    problems.push(describeAtLayers(layers, path, message)),
  );
  const { variants: _variants, ...common } = raw;
  const variants: Variant[] = [];
  for (const v of overrides) {
    const lines: string[] = [];
    const merged = deepMerge(common, v.override) as Record<string, unknown>;
    const built = build(merged, [v.layer, ...layers], lines);
    problems.push(...lines.map((line) => `${line} (variant '${v.name}')`));
    if (built !== undefined) variants.push({ name: v.name, scenario: built });
  }
  checkGateVariants(raw.gates, variants, (path, message) => problems.push(describeAtLayers(layers, path, message)));
  if (problems.length > 0) throw invalid(file, problems);
  return { ...scenario, variants };
}

/** A gate scoped `{variant:x}` must name one of the file's variants: a typo would otherwise fail only at the end of the run. */
function checkGateVariants(
  gates: unknown,
  variants: readonly Variant[],
  at: (path: IssuePath, message: string) => void,
): void {
  if (typeof gates !== 'object' || gates === null) return;
  const names = variants.map((v) => v.name);
  for (const key of Object.keys(gates)) {
    const variant = /[{,]\s*variant\s*:\s*([^,}]+?)\s*[,}]/.exec(key)?.[1];
    if (variant === undefined || names.includes(variant)) continue;
    at(
      ['gates', key],
      names.length === 0
        ? `scoped to variant '${variant}', but the scenario has no variants`
        : `unknown variant '${variant}'; variants: ${names.join(', ')}`,
    );
  }
}

function invalid(file: string, lines: readonly string[]): ScenarioInvalidError {
  return new ScenarioInvalidError(`invalid scenario ${file}\n${lines.join('\n')}`);
}

/** Where a scenario came from and how to plan it. */
interface BuildContext {
  file: string;
  bases: string[];
  options: PlanOptions;
}

/**
 * One scenario from a merged raw value: validated, then planned (plan options applied, faults
 * expanded into the schedule). Problems are appended; undefined when the schema rejects it.
 */
function buildScenario(
  raw: Record<string, unknown>,
  layers: readonly Layer[],
  { file, bases, options }: BuildContext,
  problems: string[],
): Scenario | undefined {
  const result = scenarioSchema.safeParse(raw);
  if (!result.success) {
    problems.push(...describeIssues(result.error.issues, layers, scenarioSchema, raw));
    return undefined;
  }
  const { extends: _extends, variants: _variants, ...parsed } = result.data;
  const at = (path: IssuePath, message: string): number => problems.push(describeAtLayers(layers, path, message));
  const chain = parsed.target.chain ?? parsed.providers.map((p) => p.name);
  const scenario: Scenario = {
    ...parsed,
    name: parsed.name ?? basename(file, extname(file)),
    file,
    extends: bases,
    target: { ...parsed.target, chain },
    schedule: [],
    variants: [],
  };
  const before = problems.length;
  resolvePrompts(scenario, layers, at);
  resolveTrace(scenario, baseDirOf(layers, ['load', 'trace']), at);
  resolvePriceBooks(scenario, layers, at);
  resolveCaFiles(scenario, layers, at);
  checkDirectReach(scenario, at);
  checkLoad(scenario, at);
  checkExternal(scenario, layers, at);
  if (problems.length === before && scenario.target.kind === 'builtin') checkRelayConfig(scenario, at);
  // Checked as written, planned as run: the options scale the inputs the fault schedule is planned from.
  const planned = untilEndResolved(applyPlanOptions(scenario, options));
  return { ...planned, schedule: planFaults(planned.faults, planned.load.duration) };
}

/** `for: until_end` lasts the rest of the load (on the scaled clock): its `for` is set here, once. */
function untilEndResolved<S extends Pick<Scenario, 'faults' | 'load'>>(scenario: S): S {
  if (!scenario.faults.some((f) => f.untilEnd)) return scenario;
  const rest = (at: number): number => Math.max(1, scenario.load.duration - at);
  return { ...scenario, faults: scenario.faults.map((f) => (f.untilEnd ? { ...f, for: rest(f.at) } : f)) };
}

/** Where a relative path written in a field is read from: the directory of the file that wrote it. */
function baseDirOf(layers: readonly Layer[], path: IssuePath): string {
  return dirname(resolve(ownerOf(layers, path).source.file));
}

function resolvePrompts(
  scenario: Scenario,
  layers: readonly Layer[],
  at: (path: IssuePath, message: string) => void,
): void {
  const file = scenario.load.prompts_file;
  if (file === undefined) return;
  const path = ['load', 'mix', 'prompts'];
  const nearFile = resolve(baseDirOf(layers, path), file);
  const candidates = [nearFile, resolve(file)];
  const found = candidates.find((c) => {
    try {
      readFileSync(c);
      return true;
    } catch {
      return false;
    }
  });
  if (found === undefined) return void at(path, `prompt set not found: ${nearFile} (nor ${resolve(file)})`);
  try {
    const text = readFileSync(found, 'utf8');
    const ext = extname(found).toLowerCase();
    const parsed: unknown = ext === '.json' ? JSON.parse(text) : parseYaml(text);
    const list: unknown = Array.isArray(parsed) ? parsed : (parsed as { prompts?: unknown } | null)?.prompts;
    if (!Array.isArray(list)) return void at(path, `${found}: expected an array of prompts or { prompts: [...] }`);
    const prompts = list as PromptInput[];
    promptChoices(found, prompts);
    scenario.load = { ...scenario.load, mix: { ...scenario.load.mix, prompts } };
  } catch (error) {
    at(path, `${found}: ${(error as Error).message}`);
  }
}

function resolvePriceBooks(
  scenario: Scenario,
  layers: readonly Layer[],
  at: (path: IssuePath, message: string) => void,
): void {
  const refs = scenario.report.price_books;
  if (refs === undefined) return;
  const books: PriceBook[] = [];
  refs.forEach((ref, index) => {
    const path = ['report', 'price_books', index];
    try {
      books.push(readPriceBook(priceBookPath(ref, baseDirOf(layers, path))));
    } catch (error) {
      at(path, (error as Error).message);
    }
  });
  const duplicate = duplicateBookName(books);
  if (duplicate !== undefined) return void at(['report', 'price_books'], duplicate);
  if (books.length === refs.length) scenario.priceBooks = books;
}

/** A provider's `ca_file`, relative to the file that wrote it, must hold a PEM certificate. */
function resolveCaFiles(
  scenario: Scenario,
  layers: readonly Layer[],
  at: (path: IssuePath, message: string) => void,
): void {
  scenario.providers = scenario.providers.map((provider, index) => {
    if (provider.ca_file === undefined) return provider;
    const path = ['providers', index, 'ca_file'];
    const file = resolve(baseDirOf(layers, path), provider.ca_file);
    try {
      trustedWith(file);
    } catch (error) {
      at(path, (error as Error).message);
    }
    return { ...provider, ca_file: file };
  });
}

/** The closed model (autocannon) dials a URL's own host: it cannot call a provider at its URL through a proxy. */
function checkDirectReach(scenario: Scenario, at: (path: IssuePath, message: string) => void): void {
  if (scenario.target.kind !== 'direct' || scenario.load.mode !== 'closed') return;
  const first = scenario.providers.find((p) => p.name === scenario.target.chain[0]);
  if (first?.url === undefined) return;
  at(
    ['load', 'mode'],
    `a direct target on '${first.name}' (at ${first.url}) is dialled through its proxy, which only the open model can do; use mode: open`,
  );
}

/** The load generator validates its own options too; ask it now rather than mid-run. */
function checkLoad(scenario: Scenario, at: (path: IssuePath, message: string) => void): void {
  try {
    createRequestMix(scenario.load.mix, scenario.seed);
  } catch (error) {
    if (!(error instanceof LoadOptionError)) throw error;
    at(['load', 'mix'], error.message);
  }
  // A trace is checked as it is read (trace-source.ts).
  if (scenario.load.schedule === undefined || scenario.load.schedule.kind === 'trace') return;
  try {
    createSchedule(scenario.load.schedule, scenario.seed);
  } catch (error) {
    if (!(error instanceof LoadOptionError)) throw error;
    at(['load', 'schedule'], error.message);
  }
}

/** Reads the config template and checks every placeholder of an external target. */
function checkExternal(
  scenario: Scenario,
  layers: readonly Layer[],
  at: (path: IssuePath, message: string) => void,
): void {
  const t = scenario.target;
  if (t.kind !== 'external') return;
  const ctx = checkContext(scenario.providers, t.chain, scenario.load.model, t.config_template !== undefined);
  const check = (path: IssuePath, text: string): void => {
    for (const key of unknownPlaceholders(text, ctx))
      at(
        path,
        `unknown placeholder {{${key}}}${key === 'config' ? ' (only with config_template)' : ''}; see the README's external targets`,
      );
  };
  if (t.url !== undefined) check(['target', 'url'], t.url);
  if (t.ready_url !== undefined) check(['target', 'ready_url'], t.ready_url);
  if (typeof t.command === 'string') check(['target', 'command'], t.command);
  else t.command?.forEach((arg, i) => check(['target', 'command', i], arg));
  for (const [key, value] of Object.entries(t.env ?? {})) check(['target', 'env', key], value);
  for (const [key, value] of Object.entries(t.headers ?? {})) check(['target', 'headers', key], value);
  if (t.headers !== undefined && scenario.load.mix.keys !== undefined) {
    // The generator checks its extra headers against the mix (Authorization vs mix.keys): ask it now.
    try {
      createRequestMix({ ...scenario.load.mix, headers: t.headers }, scenario.seed);
    } catch (error) {
      if (!(error instanceof LoadOptionError)) throw error;
      at(['target', 'headers'], error.message);
    }
  }
  if (t.config_template === undefined) return;
  const path = ['target', 'config_template'];
  const templateFile = resolve(baseDirOf(layers, path), t.config_template);
  let text: string;
  try {
    text = readFileSync(templateFile, 'utf8');
  } catch (error) {
    return void at(
      path,
      `cannot read ${templateFile}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`,
    );
  }
  for (const key of unknownPlaceholders(text, ctx)) at(path, `${templateFile}: unknown placeholder {{${key}}}`);
  scenario.configTemplate = { file: templateFile, text };
}

/** The relay must accept the config this scenario makes for it: find out now, not mid-run. */
function checkRelayConfig(scenario: Scenario, at: (path: IssuePath, message: string) => void): void {
  try {
    parseRelayConfig(relayConfigFor(scenario, () => '127.0.0.1:1'));
  } catch (error) {
    if (!(error instanceof ConfigInvalidError)) throw error;
    const detail = error.message.replace(/^invalid relay config\n?/, '').replace(/\n/g, '; ');
    if (/field 'policies/.test(detail)) at(['target', 'policies'], `the relay rejects these policies: ${detail}`);
    else at(['providers'], `the relay rejects the config this scenario makes for it: ${detail}`);
  }
}
