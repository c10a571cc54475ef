/**
 * YAML + zod error reporting shared by every file loader (scenarios, relay config): parses YAML
 * keeping node positions, and turns zod issues into `file:line:col: field 'a.b[0]': message` lines
 * so a user fixes a whole file in one pass.
 */
import { isMap, isNode, isPair, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';

/** A parsed YAML document with what is needed to point at its nodes. */
export interface YamlSource {
  readonly file: string;
  readonly doc: Document;
  readonly lineCounter: LineCounter;
}

/** Parsed text: the plain value and its source, or one `file:line:col: YAML: ...` line per syntax error. */
export type YamlParse =
  | { readonly ok: true; readonly value: unknown; readonly source: YamlSource }
  | { readonly ok: false; readonly errors: readonly string[] };

export function parseYamlSource(text: string, file: string): YamlParse {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const errors = doc.errors.map((e) => {
      const at = lineCounter.linePos(e.pos[0]);
      return `${file}:${at.line}:${at.col}: YAML: ${e.message.split('\n')[0]}`;
    });
    return { ok: false, errors };
  }
  return { ok: true, value: doc.toJS() ?? {}, source: { file, doc, lineCounter } };
}

export type IssuePath = ReadonlyArray<string | number>;

export interface DescribeOptions {
  /** The root schema, to list the allowed keys when a key is unknown. */
  readonly schema: unknown;
  /**
   * Where the value came from: a YAML source (positions), a plain label such as `--config-json`
   * (prefix only), or nothing.
   */
  readonly source?: YamlSource | string | undefined;
  /** The validated input, to quote received values when there is no YAML source. */
  readonly input?: unknown;
  /** Received values are quoted for every issue (`always`) or only for type errors (default). */
  readonly quote?: 'always' | 'type';
  /** True for values that must never be echoed (secrets); they are shown as `<redacted>`. */
  readonly redact?: (path: IssuePath, value: unknown) => boolean;
}

/** One message line per problem: `file:line:col: field 'path': message[, got value]`. */
export function describeZodIssue(issue: z.core.$ZodIssue, options: DescribeOptions): string[] {
  const path: IssuePath = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
  if (issue.code === 'unrecognized_keys') {
    const allowed = allowedKeys(options.schema, path).join(', ');
    return issue.keys.map(
      (key) =>
        `${prefix(options.source, path, key)}field '${fieldName([...path, key])}': unknown key (allowed: ${allowed})`,
    );
  }
  const quote = options.quote === 'always' ? issue.code !== 'custom' : issue.code === 'invalid_type';
  const received = quote ? `, got ${describeValue(path, valueAt(options, path), options.redact)}` : '';
  return [`${prefix(options.source, path)}field '${fieldName(path)}': ${issue.message}${received}`];
}

/** A located message for a check done outside zod (cross-field rules). */
export function describeAt(source: YamlSource | string | undefined, path: IssuePath, message: string): string {
  return `${prefix(source, path)}field '${fieldName(path)}': ${message}`;
}

/** `providers[1].name`; `(top level)` for the root. */
export function fieldName(path: IssuePath): string {
  if (path.length === 0) return '(top level)';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

function prefix(source: YamlSource | string | undefined, path: IssuePath, key?: string): string {
  if (source === undefined) return '';
  if (typeof source === 'string') return `${source}: `;
  const offset = key === undefined ? valueOffset(source.doc, path) : keyOffset(source.doc, path, key);
  if (offset === undefined) return `${source.file}:1:1: `;
  const at = source.lineCounter.linePos(offset);
  return `${source.file}:${at.line}:${at.col}: `;
}

function valueAt(options: DescribeOptions, path: IssuePath): unknown {
  if (options.source !== undefined && typeof options.source !== 'string') return options.source.doc.getIn(path);
  let value = options.input;
  for (const key of path)
    value = typeof value === 'object' && value !== null ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  return value;
}

function describeValue(path: IssuePath, value: unknown, redact: DescribeOptions['redact']): string {
  if (value === undefined) return 'nothing (missing)';
  if (redact?.(path, value)) return '<redacted>';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Offset of the closest existing node on the path (a missing field points at its parent). */
function valueOffset(doc: Document, path: IssuePath): number | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range) return node.range[0];
  }
  return undefined;
}

function keyOffset(doc: Document, mapPath: IssuePath, key: string): number | undefined {
  const map = mapPath.length === 0 ? doc.contents : doc.getIn(mapPath, true);
  if (isMap(map)) {
    const pair = map.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === key);
    if (pair && isScalar(pair.key) && pair.key.range) return pair.key.range[0];
  }
  return valueOffset(doc, mapPath);
}

/** Keys the schema allows at a path, for the unknown-key message. */
function allowedKeys(schema: unknown, path: IssuePath): string[] {
  let current = schema;
  for (const segment of path) current = childSchema(current, segment);
  const shape = objectShape(current);
  return shape ? Object.keys(shape) : [];
}

function unwrap(schema: unknown): unknown {
  let current = schema as { def?: { type?: string; innerType?: unknown; in?: unknown; schema?: unknown } } | undefined;
  // Peel defaults, optionals, pipes and refinements down to the object, array or record inside.
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
  const inner = unwrap(schema) as { def?: { type?: string; element?: unknown; valueType?: unknown } } | undefined;
  if (inner?.def?.type === 'record') return inner.def.valueType;
  if (typeof segment === 'number') return inner?.def?.element;
  return objectShape(schema)?.[segment];
}
