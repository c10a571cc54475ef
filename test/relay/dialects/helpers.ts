/** Shared helpers for dialect tests: targets, contexts, and running a translator over SSE text. */
import type { DialectName, StreamFault } from '../../../src/relay/contract.js';
import type { DialectTarget, StreamContext } from '../../../src/relay/dialects/dialect.js';
import { DIALECTS } from '../../../src/relay/dialects/registry.js';
import { SseParser, type SseEvent } from '../../../src/relay/streaming/sse-parser.js';

export function target(
  dialect: DialectName,
  baseUrl: string,
  model = `${dialect}-model`,
  headers: Record<string, string> = {},
): DialectTarget {
  const url = new URL(baseUrl);
  return {
    name: `${dialect}/${model}`,
    dialect,
    model,
    origin: url.origin,
    basePath: url.pathname.replace(/\/+$/, ''),
    search: url.search,
    headers,
    ttfbTimeoutMs: 5_000,
  };
}

export const responseContext = { model: 'target-model', elapsedMs: 12, created: 1_700_000_000, requestId: 'req-1' };

export function streamContext(includeUsage: boolean): StreamContext {
  return { model: 'target-model', created: 1_700_000_000, requestId: 'req-1', includeUsage };
}

export interface Translated {
  readonly chunks: Array<Record<string, unknown>>;
  readonly end: 'done' | StreamFault;
  readonly contentAfter: number | undefined;
  readonly usage: unknown;
}

/** Feeds `sse` through the dialect's translator; `end` is the first non-`more` step or the EOF result. */
export function translate(dialect: DialectName, sse: string, includeUsage = false): Translated {
  const translator = DIALECTS[dialect].parseStream(streamContext(includeUsage));
  const parser = new SseParser();
  const events: SseEvent[] = [];
  parser.push(sse, events);
  parser.end(events);
  const out: string[] = [];
  let contentAfter: number | undefined;
  let end: 'done' | StreamFault | undefined;
  for (const [i, event] of events.entries()) {
    const step = translator.push(event, out);
    if (contentAfter === undefined && translator.contentStarted) contentAfter = i;
    if (step !== 'more') {
      end = step;
      break;
    }
  }
  end ??= translator.end(out);
  return {
    chunks: out.map((c) => JSON.parse(c) as Record<string, unknown>),
    end,
    contentAfter,
    usage: translator.usage(),
  };
}

/** The concatenated `delta.content` of OpenAI chunks. */
export function textOf(chunks: ReadonlyArray<Record<string, unknown>>): string {
  return chunks.map((c) => (c['choices'] as Array<{ delta?: { content?: string } }>)[0]?.delta?.content ?? '').join('');
}

export function sse(events: ReadonlyArray<[string | undefined, unknown]>): string {
  return events
    .map(
      ([event, data]) =>
        `${event === undefined ? '' : `event: ${event}\n`}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`,
    )
    .join('');
}
