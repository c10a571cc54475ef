/**
 * Which harness request a provider served: the `x-request-id` header or, when a relay strips
 * headers, the `[relaybench:ID]` marker the load generator writes into the last user message.
 */
import type { IncomingHttpHeaders } from 'node:http';

const MARKER = /\[relaybench:([^\]\s]{1,200})\]/g;

export interface Attribution {
  /** The header id when present, else the marker id; undefined when neither. */
  readonly id: string | undefined;
  readonly source: 'header' | 'marker' | 'none';
  readonly headerId: string | undefined;
  readonly markerId: string | undefined;
}

/** The id of a request, from its headers and its last user message text. */
export function attribute(headers: IncomingHttpHeaders, lastUserText: string): Attribution {
  const given = headers['x-request-id'];
  const headerId = typeof given === 'string' && given !== '' ? given : undefined;
  const markerId = markerIn(lastUserText);
  if (headerId !== undefined) return { id: headerId, source: 'header', headerId, markerId };
  if (markerId !== undefined) return { id: markerId, source: 'marker', headerId, markerId };
  return { id: undefined, source: 'none', headerId, markerId };
}

/** The last marker in `text` (a relay may prepend its own text, never append after ours). */
export function markerIn(text: string): string | undefined {
  let found: string | undefined;
  for (const match of text.matchAll(MARKER)) found = match[1];
  return found;
}
