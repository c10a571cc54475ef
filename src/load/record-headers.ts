/**
 * The response headers a per-request record keeps (`--records`): the ones that explain what a
 * relay did (`x-relay-*`: provider, attempts, overhead...), why a request was refused
 * (`retry-after`), and how to find it in a provider's or gateway's log (`x-request-id`,
 * `x-mock-provider`). Everything else is left out, so a record stays small.
 */
import type { IncomingHttpHeaders } from 'node:http';

const EXACT = new Set(['retry-after', 'x-request-id', 'x-mock-provider']);
const PREFIX = 'x-relay-';

/** The chosen headers present on a response (first value of a repeated one), or undefined when none is. */
export function chosenHeaders(headers: IncomingHttpHeaders): Record<string, string> | undefined {
  let kept: Record<string, string> | undefined;
  for (const name in headers) {
    if (!EXACT.has(name) && !name.startsWith(PREFIX)) continue;
    const value = headers[name];
    const text = Array.isArray(value) ? value[0] : value;
    if (text === undefined) continue;
    (kept ??= {})[name] = text;
  }
  return kept;
}
