/**
 * Measures one streamed chat completion as it arrives: first content chunk, content chunk count,
 * largest gap between content chunks (each gap also goes to the run's ITL sink), usage, and validity. A stream succeeds only if it ends with
 * `data: [DONE]` and carried no error event (`data: {"error":...}` or `event: error`); otherwise
 * it failed as `stream_error`, `bad_body` (unparseable chunk) or `stream_cut` (no [DONE]).
 */
import type { FailureKind, TokenUsage } from '../metrics/record.js';
import type { GapSink } from '../metrics/itl-histograms.js';
import { usageOf } from './classify-response.js';
import { errorCodeOfValue, errorOfText, errorShapeOfValue, type ErrorShape } from './error-shape.js';
import { SseParser } from './sse-parser.js';

export type StreamVerdict = 'ok' | Extract<FailureKind, 'stream_cut' | 'stream_error' | 'bad_body'>;

interface Chunk {
  choices?: Array<{ delta?: { content?: unknown; tool_calls?: unknown } }>;
  usage?: unknown;
  error?: unknown;
}

export class StreamMeter {
  /** Time of the first content chunk, in the caller's clock (ms). */
  firstTokenMs: number | undefined;
  chunks = 0;
  maxGapMs = 0;
  usage: TokenUsage | undefined;
  /** Where each gap between content chunks goes as it happens (the run's ITL histograms). */
  gaps: GapSink | undefined;
  /** The shape of the first error event, once one came. */
  errorShape: ErrorShape | undefined;
  /** The first error event's code (error-shape.ts), once one came. */
  errorCode: string | undefined;
  private lastTokenMs = 0;
  private now = 0;
  private done = false;
  private errored = false;
  private malformed = false;
  private readonly parser = new SseParser((data, event) => this.onEvent(data, event));

  /** Feeds one network chunk received at `nowMs`. */
  push(chunk: Uint8Array | string, nowMs: number): void {
    this.now = nowMs;
    this.parser.push(chunk);
  }

  /** The body ended (cleanly or not). */
  end(): void {
    this.parser.end();
  }

  verdict(): StreamVerdict {
    if (this.errored) return 'stream_error';
    if (this.malformed) return 'bad_body';
    return this.done ? 'ok' : 'stream_cut';
  }

  private onEvent(data: string, event: string | undefined): void {
    if (event === 'error') {
      this.errored = true;
      const error = errorOfText(data);
      this.errorShape ??= error.shape;
      this.errorCode ??= error.code;
    }
    if (data === '[DONE]') {
      this.done = true;
      return;
    }
    let chunk: Chunk;
    try {
      chunk = JSON.parse(data) as Chunk;
    } catch {
      this.malformed = true;
      return;
    }
    if (chunk === null || typeof chunk !== 'object') {
      this.malformed = true;
      return;
    }
    if (chunk.error !== undefined && chunk.error !== null) {
      this.errored = true;
      this.errorShape ??= errorShapeOfValue(chunk);
      this.errorCode ??= errorCodeOfValue(chunk);
    }
    this.usage = usageOf(chunk.usage) ?? this.usage;
    if (!hasContent(chunk)) return;
    if (this.firstTokenMs === undefined) this.firstTokenMs = this.now;
    else {
      const gap = this.now - this.lastTokenMs;
      if (gap > this.maxGapMs) this.maxGapMs = gap;
      this.gaps?.record(gap);
    }
    this.lastTokenMs = this.now;
    this.chunks++;
  }
}

function hasContent(chunk: Chunk): boolean {
  const choices = chunk.choices;
  if (!Array.isArray(choices)) return false;
  for (const choice of choices) {
    const delta = choice?.delta;
    if (!delta) continue;
    if (typeof delta.content === 'string' && delta.content.length > 0) return true;
    if (Array.isArray(delta.tool_calls) && delta.tool_calls.length > 0) return true;
  }
  return false;
}
