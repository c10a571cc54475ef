/**
 * Loads a scenario file: YAML -> schema validation -> typed Scenario. Every problem is reported
 * as `file:line:col: field: message`, all of them at once, so a user fixes a file in one pass.
 */
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { isMap, isNode, isPair, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { ScenarioInvalidError, ScenarioNotFoundError } from '../errors.js';
import { scenarioSchema, type Scenario } from './schema.js';

export async function loadScenario(file: string): Promise<Scenario> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new ScenarioNotFoundError(file, { cause: error });
    throw new ScenarioInvalidError(`${file}: cannot read: ${(error as Error).message}`, { cause: error });
  }
  return parseScenario(text, file);
}

/** Parses scenario text; `file` is used for messages and the default name. */
export function parseScenario(text: string, file: string): Scenario {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const lines = doc.errors.map((e) => {
      const at = lineCounter.linePos(e.pos[0]);
      return `${file}:${at.line}:${at.col}: YAML: ${e.message.split('\n')[0]}`;
    });
    throw new ScenarioInvalidError(lines.join('\n'));
  }
  const result = scenarioSchema.safeParse(doc.toJS() ?? {});
  if (!result.success) {
    const lines = result.error.issues.map((issue) => describeIssue(issue, doc, lineCounter, file));
    throw new ScenarioInvalidError(`invalid scenario ${file}\n${lines.join('\n')}`);
  }
  const parsed = result.data;
  return {
    ...parsed,
    name: parsed.name ?? basename(file, extname(file)),
    file,
    target: { ...parsed.target, chain: parsed.target.chain ?? parsed.providers.map((p) => p.name) },
  };
}

function describeIssue(issue: z.core.$ZodIssue, doc: Document, lineCounter: LineCounter, file: string): string {
  const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
  if (issue.code === 'unrecognized_keys') {
    return issue.keys
      .map((key) => {
        const at = position(keyOffset(doc, path, key), lineCounter);
        return `${file}:${at}: field '${fieldName([...path, key])}': unknown key (allowed: ${allowedKeys(path).join(', ')})`;
      })
      .join('\n');
  }
  const at = position(valueOffset(doc, path), lineCounter);
  const received = issue.code === 'invalid_type' ? `, got ${describeValue(doc.getIn(path))}` : '';
  return `${file}:${at}: field '${fieldName(path)}': ${issue.message}${received}`;
}

function fieldName(path: ReadonlyArray<string | number>): string {
  if (path.length === 0) return '(top level)';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

function describeValue(value: unknown): string {
  return value === undefined ? 'nothing (missing)' : JSON.stringify(value);
}

/** Offset of the closest existing node on the path (a missing field points at its parent). */
function valueOffset(doc: Document, path: Array<string | number>): number | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range) return node.range[0];
  }
  return undefined;
}

function keyOffset(doc: Document, mapPath: Array<string | number>, key: string): number | undefined {
  const map = mapPath.length === 0 ? doc.contents : doc.getIn(mapPath, true);
  if (isMap(map)) {
    const pair = map.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === key);
    if (pair && isScalar(pair.key) && pair.key.range) return pair.key.range[0];
  }
  return valueOffset(doc, mapPath);
}

function position(offset: number | undefined, lineCounter: LineCounter): string {
  if (offset === undefined) return '1:1';
  const at = lineCounter.linePos(offset);
  return `${at.line}:${at.col}`;
}

/** Keys the schema allows at a path, for the unknown-key message. */
function allowedKeys(path: Array<string | number>): string[] {
  let schema: unknown = scenarioSchema;
  for (const segment of path) schema = childSchema(schema, segment);
  const shape = objectShape(schema);
  return shape ? Object.keys(shape) : [];
}

function unwrap(schema: unknown): unknown {
  let current = schema as { def?: { type?: string; innerType?: unknown; in?: unknown; schema?: unknown } } | undefined;
  // Peel defaults, optionals, pipes and refinements down to the object or array inside.
  for (let i = 0; i < 10 && current?.def; i++) {
    const def = current.def;
    const next = def.innerType ?? def.in ?? def.schema;
    if (!next) break;
    current = next as typeof current;
  }
  return current;
}

function objectShape(schema: unknown): Record<string, unknown> | undefined {
  const inner = unwrap(schema) as { def?: { type?: string; shape?: Record<string, unknown> } } | undefined;
  return inner?.def?.type === 'object' ? inner.def.shape : undefined;
}

function childSchema(schema: unknown, segment: string | number): unknown {
  const inner = unwrap(schema) as { def?: { type?: string; element?: unknown } } | undefined;
  if (typeof segment === 'number') return inner?.def?.element;
  return objectShape(schema)?.[segment];
}
