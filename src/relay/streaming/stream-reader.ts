/**
 * Reads one upstream event stream: network chunks -> SSE events -> OpenAI chunks (via the
 * dialect's translator), with a small state machine deciding what the next read means.
 * The attempt reads up to the first content chunk (failures until then are ordinary failed
 * attempts); the rest is read through {@link StreamReader.events}, where a failure is a cut.
 * From the first content chunk on, {@link StreamLimits} bound the stream: a silence longer than
 * `idleMs` while we wait on upstream, or the request's deadline, ends it as a `timeout` cut.
 */
import { classify, VERDICTS } from '../classify.js';
import { StreamCutError, type SseEvent, type StreamFault, type StreamTranslator } from '../contract.js';
import type { UpstreamStream } from '../upstream/client.js';
import { SseParser } from './sse-parser.js';
import { NO_LIMITS, StreamWatch, type LimitCode, type LimitListener, type StreamLimits } from './stream-watch.js';

export type { StreamLimits };

type ReaderState =
  | { readonly kind: 'reading' }
  /** The terminal event arrived (`eof`: the body also ended). */
  | { readonly kind: 'done'; readonly eof: boolean }
  | { readonly kind: 'failed'; readonly fault: StreamFault; readonly error?: unknown }
  | { readonly kind: 'cancelled' };

const READING: ReaderState = Object.freeze({ kind: 'reading' });
const CANCELLED: ReaderState = Object.freeze({ kind: 'cancelled' });

export class StreamReader implements LimitListener {
  private state: ReaderState = READING;
  private readonly parser = new SseParser();
  /** Parsed SSE events of the current network chunk; reused across reads. */
  private readonly sse: SseEvent[] = [];
  /** Translated chunks not yet handed out. */
  private readonly pending: string[] = [];
  private closed = false;
  /** Idle and deadline limits from the first content chunk on. */
  private readonly watch: StreamWatch;

  constructor(
    private readonly stream: UpstreamStream,
    readonly translator: StreamTranslator,
    private readonly limits: StreamLimits = NO_LIMITS,
  ) {
    this.watch = new StreamWatch(limits, this);
  }

  /**
   * Reads until the first content chunk, the end, or a failure. Returns the failure, if any
   * (the upstream is released then); else the caller builds the stream response.
   */
  async readToFirstContent(): Promise<{ readonly fault: StreamFault; readonly error?: unknown } | undefined> {
    while (!this.translator.contentStarted && this.state.kind === 'reading') await this.step();
    if (this.state.kind === 'failed') {
      this.close();
      return this.state;
    }
    this.stream.firstContent();
    if (this.state.kind === 'reading') this.watch.start();
    return undefined;
  }

  /** @internal LimitListener: a limit passed while reading. */
  limitPassed(message: string, code: LimitCode): void {
    if (this.state.kind === 'reading') this.expire(message, code);
  }

  /** The translated chunks: those read so far, then the rest; throws StreamCutError on a cut. */
  async *events(): AsyncGenerator<string, void, undefined> {
    try {
      for (;;) {
        // Nothing is appended while we yield: only step() appends, and it runs below.
        for (let i = 0; i < this.pending.length; i++) yield this.pending[i] as string;
        this.pending.length = 0;
        const state = this.state;
        switch (state.kind) {
          case 'reading':
            await this.step();
            break;
          case 'done':
          case 'cancelled':
            return;
          case 'failed':
            throw new StreamCutError(state.fault.message, state.fault.cut, {
              cause: state.error ?? state.fault.body?.toString('utf8'),
              code: state.fault.code,
            });
          default: {
            const unreachable: never = state;
            return unreachable;
          }
        }
      }
    } finally {
      this.close();
    }
  }

  /** Stops reading and releases the upstream (hedge lost, client gone). */
  cancel(): void {
    if (this.state.kind === 'reading') this.state = CANCELLED;
    this.close();
  }

  /**
   * A limit passed: the pending read ends with the body, and the stream with it, as a timeout
   * unless only the terminal event was missing (the finish reason arrived): then it is done.
   */
  private expire(message: string, code: LimitCode): void {
    if (!this.finish())
      this.state = { kind: 'failed', fault: { verdict: VERDICTS.timeout, cut: 'timeout', message, code } };
    this.stream.destroy();
  }

  /** One network read, translated. */
  private async step(): Promise<void> {
    let read: IteratorResult<Buffer>;
    try {
      this.watch.waiting();
      read = await this.stream.body.next();
      this.watch.settled();
    } catch (error) {
      this.watch.settled();
      if (this.state.kind !== 'reading') return; // cancelled meanwhile: the error is ours
      const verdict = classify({ error });
      const cut = verdict.kind === 'timeout' ? 'timeout' : 'reset';
      this.state = {
        kind: 'failed',
        fault: { verdict, cut, message: `upstream stream broke: ${describe(error)}` },
        error,
      };
      return;
    }
    if (this.state.kind !== 'reading') return;
    if (read.done === true) {
      this.parser.end(this.sse);
      if (this.translate(true)) return;
      const end = this.translator.end(this.pending);
      this.state = end === 'done' ? { kind: 'done', eof: true } : { kind: 'failed', fault: end };
      return;
    }
    this.parser.push(read.value, this.sse);
    // A whole answer whose terminal event is late (or never comes) is finalised now, not at EOF.
    if (!this.translate(false) && this.translator.complete) this.finish();
  }

  /** Ends the stream without its terminal event: done if the translator accepts that, else failed. */
  private finish(): boolean {
    const end = this.translator.end(this.pending);
    this.state = end === 'done' ? { kind: 'done', eof: false } : { kind: 'failed', fault: end };
    return end === 'done';
  }

  /** Feeds parsed events to the translator; true when it reached an end state. */
  private translate(eof: boolean): boolean {
    const events = this.sse;
    try {
      for (let i = 0; i < events.length; i++) {
        const step = this.translator.push(events[i] as SseEvent, this.pending);
        if (step === 'more') continue;
        if (step !== 'done' && step.cut === 'malformed' && this.limits.skipMalformed !== undefined) {
          this.limits.skipMalformed(step.message);
          continue;
        }
        this.state = step === 'done' ? { kind: 'done', eof } : { kind: 'failed', fault: step };
        return true;
      }
      return false;
    } finally {
      events.length = 0;
    }
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.watch.stop();
    // After a terminal event the body usually ends at once: read it out so the socket is reused.
    if (this.state.kind === 'done' && !this.state.eof) this.stream.release();
    else this.stream.destroy();
  }
}

function describe(error: unknown): string {
  if (error instanceof Error)
    return (error as Error & { code?: unknown }).code === undefined
      ? error.message
      : `${String((error as { code?: unknown }).code)} ${error.message}`;
  return String(error);
}
