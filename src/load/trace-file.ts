/**
 * Trace files: JSON lines, one arrival per line, read once when the scenario loads.
 *
 * ```jsonl
 * {"t": 0, "model": "gpt-4.1-mini", "input_tokens": 420, "output_tokens": 128, "stream": true}
 * {"t": 12.5, "model": "claude-sonnet-4-5", "input_tokens": 1800, "output_tokens": 512, "stream": false}
 * ```
 *
 * `t` (ms from the trace's start, >= 0) is required; `model`, `input_tokens`, `output_tokens` (whole
 * numbers >= 1) and `stream` are optional (absent or null: drawn from the load's mix). Other fields
 * are ignored, and a line `{"kind": "header", ...}` is skipped, so a `--records` file (gzip or not)
 * is a trace as it is. Blank lines are skipped; lines need not be in order (they are sorted by `t`).
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { ConfigInvalidError } from '../errors.js';
import type { TraceArrival } from './trace.js';

/** Problems listed in one error before the rest are counted. */
const MAX_LISTED = 10;

/** Reads a trace (`.gz`: gzip-compressed); @throws ConfigInvalidError naming file, line, field and value. */
export function readTraceFile(file: string): TraceArrival[] {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
    if (file.endsWith('.gz')) bytes = gunzipSync(bytes);
  } catch (error) {
    throw new ConfigInvalidError(`trace ${file}: cannot read: ${(error as Error).message}`, { cause: error });
  }
  return parseTrace(bytes.toString('utf8'), file);
}

/** Parses trace text; `file` names it in messages. */
export function parseTrace(text: string, file: string): TraceArrival[] {
  const arrivals: TraceArrival[] = [];
  const problems: string[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line.length === 0) return;
    const where = `${file}:${index + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      return void problems.push(`${where}: not JSON (${(error as Error).message})`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      return void problems.push(`${where}: expected a JSON object, got ${describe(value)}`);
    const fields = value as Record<string, unknown>;
    if (fields['kind'] === 'header') return;
    const arrival = arrivalOf(fields, (field, expected) =>
      problems.push(`${where}: ${field}: got ${describe(fields[field])}, expected ${expected}`),
    );
    if (arrival !== undefined) arrivals.push(arrival);
  });
  if (problems.length > 0) {
    const more = problems.length > MAX_LISTED ? `\n  ... and ${problems.length - MAX_LISTED} more` : '';
    throw new ConfigInvalidError(`trace ${file}: bad lines:\n  ${problems.slice(0, MAX_LISTED).join('\n  ')}${more}`);
  }
  if (arrivals.length === 0) throw new ConfigInvalidError(`trace ${file}: no arrivals (one JSON object per line)`);
  return arrivals.sort((a, b) => a.t - b.t); // stable: equal offsets keep their order
}

/** One line's arrival, or undefined after reporting each bad field. */
function arrivalOf(
  fields: Record<string, unknown>,
  bad: (field: string, expected: string) => void,
): TraceArrival | undefined {
  let failures = 0;
  const fail = (field: string, expected: string): undefined => {
    failures++;
    bad(field, expected);
    return undefined;
  };
  const given = (field: string): unknown => (fields[field] === null ? undefined : fields[field]);
  const t = fields['t'];
  if (typeof t !== 'number' || !Number.isFinite(t) || t < 0) fail('t', 'a number of ms >= 0 (required)');
  const model = given('model');
  if (model !== undefined && (typeof model !== 'string' || model.length === 0)) fail('model', 'a non-empty string');
  const tokens = (field: string): number | undefined => {
    const n = given(field);
    if (n === undefined) return undefined;
    if (typeof n === 'number' && Number.isInteger(n) && n >= 1) return n;
    return fail(field, 'a whole number >= 1');
  };
  const inputTokens = tokens('input_tokens');
  const outputTokens = tokens('output_tokens');
  const stream = given('stream');
  if (stream !== undefined && typeof stream !== 'boolean') fail('stream', 'true or false');
  if (failures > 0) return undefined;
  return {
    t: t as number,
    ...(model === undefined ? {} : { model: model as string }),
    ...(inputTokens === undefined ? {} : { inputTokens }),
    ...(outputTokens === undefined ? {} : { outputTokens }),
    ...(stream === undefined ? {} : { stream: stream as boolean }),
  };
}

function describe(value: unknown): string {
  return value === undefined ? 'nothing' : (JSON.stringify(value) ?? String(value));
}
