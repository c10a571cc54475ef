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

type ReaderState =
  | { readonly kind: 'reading' }
  /** The terminal event arrived (`eof`: the body also ended). */
  | { readonly kind: 'done'; readonly eof: boolean }
  | { readonly kind: 'failed'; readonly fault: StreamFault; readonly error?: unknown }
  | { readonly kind: 'cancelled' };

/** What bounds a served stream (the engine's timers stop at the first content chunk). */
export interface StreamLimits {
  /** Longest wait on upstream for the next network chunk, in ms; Infinity: none. */
  readonly idleMs: number;
  /** `performance.now()` ms by which the stream must have ended; Infinity: none. */
  readonly deadline: number;
  /** Set: unreadable events are dropped (and reported here) instead of failing the stream. */
  readonly skipMalformed?: ((message: string) => void) | undefined;
}

const NO_LIMITS: StreamLimits = Object.freeze({ idleMs: Infinity, deadline: Infinity });
/** setTimeout's largest delay; longer ones would fire at once. */
const MAX_DELAY_MS = 2_147_483_647;

const READING: ReaderState = Object.freeze({ kind: 'reading' });
const CANCELLED: ReaderState = Object.freeze({ kind: 'cancelled' });

export class StreamReader {
  private state: ReaderState = READING;
  private readonly parser = new SseParser();
  /** Parsed SSE events of the current network chunk; reused across reads. */
  private readonly sse: SseEvent[] = [];
  /** Translated chunks not yet handed out. */
  private readonly pending: string[] = [];
  private closed = false;
  /**
   * One timer per served stream, re-armed only when it fires (every `idleMs` at most), never per
   * chunk: a read records when it began waiting and the timer compares against that.
   */
  private timer: NodeJS.Timeout | undefined;
  /** `performance.now()` when the pending upstream read began; NaN while none is pending. */
  private waitingSince = NaN;

  constructor(
    private readonly stream: UpstreamStream,
    readonly translator: StreamTranslator,
    private readonly limits: StreamLimits = NO_LIMITS,
  ) {}

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
    if (this.state.kind === 'reading') this.watch(performance.now());
    return undefined;
  }

  /** @internal The limits timer fired: ends the stream if a limit passed, else re-arms. */
  checkLimits(): void {
    this.timer = undefined;
    if (this.state.kind !== 'reading') return;
    const now = performance.now();
    const { idleMs, deadline } = this.limits;
    if (now >= deadline) return this.expire('the request deadline passed mid-stream');
    if (now - this.waitingSince >= idleMs) return this.expire(`upstream sent nothing for ${idleMs} ms mid-stream`);
    this.watch(now);
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

  /** Arms the limits timer for whichever limit is due first (a wait not yet begun counts from now). */
  private watch(now: number): void {
    const { idleMs, deadline } = this.limits;
    const idleDue = (Number.isNaN(this.waitingSince) ? now : this.waitingSince) + idleMs;
    const due = Math.min(idleDue, deadline);
    if (due === Infinity) return;
    this.timer = setTimeout(checkLimits, Math.min(MAX_DELAY_MS, Math.max(0, due - now)), this);
  }

  /**
   * A limit passed: the pending read ends with the body, and the stream with it, as a timeout
   * unless only the terminal event was missing (the finish reason arrived): then it is done.
   */
  private expire(message: string): void {
    if (!this.finish()) this.state = { kind: 'failed', fault: { verdict: VERDICTS.timeout, cut: 'timeout', message } };
    this.stream.destroy();
  }

  /** One network read, translated. */
  private async step(): Promise<void> {
    let read: IteratorResult<Buffer>;
    try {
      this.waitingSince = performance.now();
      read = await this.stream.body.next();
      this.waitingSince = NaN;
    } catch (error) {
      this.waitingSince = NaN;
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
    if (this.timer !== undefined) clearTimeout(this.timer);
    // After a terminal event the body usually ends at once: read it out so the socket is reused.
    if (this.state.kind === 'done' && !this.state.eof) this.stream.release();
    else this.stream.destroy();
  }
}

function checkLimits(reader: StreamReader): void {
  reader.checkLimits();
}

function describe(error: unknown): string {
  if (error instanceof Error)
    return (error as Error & { code?: unknown }).code === undefined
      ? error.message
      : `${String((error as { code?: unknown }).code)} ${error.message}`;
  return String(error);
}
