/**
 * Extra headers sent with every request: what an external gateway needs on each call (Portkey's
 * `x-portkey-config`, say) and cannot read from a config file. Checked once, when a scenario loads
 * and again when the mix is built; on the hot path they are only copied.
 */
import { LoadOptionError } from './load-errors.js';

/** Headers the load generator sets itself (or the HTTP client owns): an extra header may not replace them. */
export const HARNESS_HEADERS: readonly string[] = Object.freeze([
  'accept',
  'connection',
  'content-length',
  'content-type',
  'host',
  'transfer-encoding',
  'x-request-id',
]);

/** RFC 9110 `token`. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Control characters other than tab: a line break would split the header, NUL is never valid. */
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/;

/** Values of headers named like credentials never appear in messages. */
const SECRET_NAME = /auth|key|token|secret|cookie/i;

/** What is wrong with one extra header (naming it and quoting the value), or undefined when it can be sent. */
export function extraHeaderProblem(name: string, value: string): string | undefined {
  if (!HEADER_NAME.test(name))
    return `${JSON.stringify(name)} is not an HTTP header name (letters, digits and !#$%&'*+-.^_\`|~ only)`;
  if (HARNESS_HEADERS.includes(name.toLowerCase()))
    return `'${name}' is set by the harness; extra headers may not replace ${HARNESS_HEADERS.join(', ')}`;
  if (CONTROL.test(value))
    return `'${name}': got ${JSON.stringify(shown(name, value))}, a value with a line break or control character; a header value is one line (in YAML, fold a long one with >-)`;
  return undefined;
}

/** The value as messages show it: itself, or `<redacted>` for a credential. */
function shown(name: string, value: unknown): unknown {
  return SECRET_NAME.test(name) ? '<redacted>' : value;
}

/**
 * The headers, validated, with lower-case names, frozen.
 * @param withKeys the mix gives each request its own `Authorization` (then none may be given here).
 * @throws LoadOptionError naming the header and the value received.
 */
export function extraHeaders(
  headers: Readonly<Record<string, string>>,
  withKeys: boolean,
): Readonly<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const field = `headers.${name}`;
    const received = shown(name, value);
    if (typeof value !== 'string') throw new LoadOptionError(field, received, 'a string');
    const problem = extraHeaderProblem(name, value);
    if (problem !== undefined) throw new LoadOptionError(field, received, `a valid extra header (${problem})`);
    const lower = name.toLowerCase();
    if (lower in out)
      throw new LoadOptionError(
        field,
        received,
        `one value per header (names are case-insensitive; '${lower}' is given twice)`,
      );
    if (lower === 'authorization' && withKeys)
      throw new LoadOptionError(
        field,
        received,
        'no Authorization header when mix.keys gives each request its own key',
      );
    out[lower] = value;
  }
  return Object.freeze(out);
}
