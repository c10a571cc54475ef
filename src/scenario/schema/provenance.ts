/**
 * Where a field of a merged scenario was written. A scenario is a stack of layers (a variant's
 * override, the file, the file it extends, ...), highest priority first; a problem is reported at
 * `file:line:col` of the layer that holds the bad field, named by its path in the merged scenario.
 * The owner is found by walking the path down the stack the way deepMerge built it: while the
 * value is a map every layer with that map still counts; a list or scalar belongs to the top one.
 */
import { isMap, isNode, isPair, isScalar, type Node } from 'yaml';
import type { z } from 'zod';
import { describeZodIssue, fieldName, type IssuePath, type YamlSource } from '../../yaml-errors.js';

export interface Layer {
  readonly source: YamlSource;
  /** Where a path of the merged scenario sits in this layer's document; undefined if the layer does not reach it. */
  docPath(path: IssuePath): IssuePath | undefined;
  /** Whether the layer holds a map at `path` although the document has no node there (a variant matrix's implied nesting). */
  impliesMap?(path: IssuePath): boolean;
}

/** A whole file: merged paths are document paths. */
export function fileLayer(source: YamlSource): Layer {
  return { source, docPath: (path) => path };
}

type Shape = 'map' | 'other' | undefined;

function shapeAt(layer: Layer, path: IssuePath): Shape {
  if (layer.impliesMap?.(path)) return 'map';
  const at = layer.docPath(path);
  if (at === undefined) return undefined;
  const node = layer.source.doc.getIn(at, true) as Node | undefined;
  if (node === undefined || node === null) return at.length === 0 ? 'map' : undefined;
  return isMap(node) ? 'map' : 'other';
}

/** The layer that holds the field at `path` (or its closest existing parent). */
export function ownerOf(layers: readonly Layer[], path: IssuePath): Layer {
  let candidates = [...layers];
  let owner = layers[0]!;
  for (let depth = 1; depth <= path.length; depth++) {
    const prefix = path.slice(0, depth);
    const having = candidates.filter((l) => shapeAt(l, prefix) !== undefined);
    if (having.length === 0) break;
    owner = having[0]!;
    candidates = shapeAt(owner, prefix) === 'map' ? having.filter((l) => shapeAt(l, prefix) === 'map') : [owner];
  }
  return owner;
}

/** `file:line:col` of the field at `path` (of its key, when `key` is set), walking up to the closest node that exists. */
export function positionOf(layers: readonly Layer[], path: IssuePath, key?: string): string {
  const full = key === undefined ? path : [...path, key];
  const layer = ownerOf(layers, full);
  const { doc, lineCounter, file } = layer.source;
  let offset: number | undefined;
  const mapAt = layer.docPath(path);
  if (key !== undefined && mapAt !== undefined) {
    const map = mapAt.length === 0 ? doc.contents : doc.getIn(mapAt, true);
    if (isMap(map)) {
      const pair = map.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === key);
      if (pair && isScalar(pair.key) && pair.key.range) offset = pair.key.range[0];
    }
  }
  for (let depth = full.length; offset === undefined && depth >= 0; depth--) {
    const at = layer.docPath(full.slice(0, depth));
    if (at === undefined) continue;
    const node = at.length === 0 ? doc.contents : doc.getIn(at, true);
    if (isNode(node) && node.range) offset = node.range[0];
  }
  if (offset === undefined) return `${file}:1:1`;
  const pos = lineCounter.linePos(offset);
  return `${file}:${pos.line}:${pos.col}`;
}

/** One `file:line:col: field 'a.b': message` line per problem (one per unknown key). */
export function describeIssues(
  issues: readonly z.core.$ZodIssue[],
  layers: readonly Layer[],
  schema: unknown,
  input: unknown,
): string[] {
  return issues.flatMap((issue) => {
    const path: IssuePath = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.flatMap((key) =>
        describeZodIssue({ ...issue, keys: [key] }, { schema, input }).map(
          (line) => `${positionOf(layers, path, key)}: ${line}`,
        ),
      );
    }
    return describeZodIssue(issue, { schema, input }).map((line) => `${positionOf(layers, path)}: ${line}`);
  });
}

/** A located message for a check made outside zod. */
export function describeAtLayers(layers: readonly Layer[], path: IssuePath, message: string): string {
  return `${positionOf(layers, path)}: field '${fieldName(path)}': ${message}`;
}
