/**
 * Scrubs credentials from upstream text the relay passes to its clients (a 4xx body is passed
 * through): every provider key the relay knows, and anything shaped like a key even if the relay
 * does not know it (`sk-...`, `Bearer ...`, Google `AIza...`), since an upstream may echo the key
 * it was sent or another one. Off the hot path: only refusals passed through are scrubbed.
 */

/** What a scrubbed credential becomes. */
export const REDACTED = '[REDACTED]';

/** Known keys shorter than this are not looked for: too likely to match ordinary text. */
const MIN_KNOWN_KEY_LENGTH = 8;

/** Key-shaped strings, whoever issued them. `Bearer` keeps its word so the message stays readable. */
const KEY_SHAPES: readonly (readonly [RegExp, string])[] = [
  [/\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/gi, `Bearer ${REDACTED}`],
  [/\bsk-[A-Za-z0-9_-]{8,}/g, REDACTED],
  [/\bAIza[0-9A-Za-z_-]{20,}/g, REDACTED],
];

/** Returns `text` without credentials (the same string when there were none). */
export type Redactor = (text: string) => string;

/** A redactor for these known keys (empty and short values are ignored) plus every key shape. */
export function createRedactor(knownKeys: Iterable<string | undefined>): Redactor {
  const known = [...new Set(knownKeys)]
    .filter((key): key is string => key !== undefined && key.length >= MIN_KNOWN_KEY_LENGTH)
    // Longest first, so a key that contains another is replaced whole.
    .sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text;
    for (const key of known) if (out.includes(key)) out = out.split(key).join(REDACTED);
    for (const [shape, replacement] of KEY_SHAPES) out = out.replace(shape, replacement);
    return out;
  };
}

/** `body` scrubbed by `redact`; the same buffer when nothing was found. */
export function redactBody(redact: Redactor, body: Buffer): Buffer {
  const text = body.toString('utf8');
  const clean = redact(text);
  return clean === text ? body : Buffer.from(clean, 'utf8');
}

/** The keys in a target's auth headers (`Authorization: Bearer`, `x-api-key`, `x-goog-api-key`). */
export function keysInHeaders(headers: Readonly<Record<string, string>>): string[] {
  const keys: string[] = [];
  const bearer = headers['authorization'];
  if (bearer !== undefined) keys.push(bearer.replace(/^Bearer\s+/i, ''));
  for (const name of ['x-api-key', 'x-goog-api-key']) if (headers[name] !== undefined) keys.push(headers[name]);
  return keys;
}
