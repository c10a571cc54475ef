/**
 * `policies.streams.continueOnCut`: a served stream cut mid-answer whose answer so far is plain
 * text is continued by the chain's next target able to (see `dialects/prefill.ts`), and the client
 * stream goes on as one. The continuation runs through the chain engine like any request (breaker,
 * cooldowns, failover, the request's deadline) over the chain without the target that cut. When
 * nothing can continue (a tool call, no target with a prefill, a refusal such as "prefill not
 * supported", every target failing) the client gets the ORIGINAL cut as its error event.
 */
import type { ChainResult, NormalizedUsage, RelayResponse, RelayTarget, TargetFailure } from '../contract.js';
import { StreamCutError } from '../contract.js';
import { createAttempt, type ChatRequest } from '../dialects/index.js';
import { continuationRequest, prefillModeOf } from '../dialects/prefill.js';
import { AnswerSoFar } from '../streaming/answer-so-far.js';
import { ContinuedChunks } from '../streaming/continued-chunks.js';
import { countAttempts } from './accounting.js';
import type { CompletionDeps, Exchange } from './exchange.js';
import { ATTEMPT_OPTIONS } from './run-chain.js';

type StreamResponse = Extract<RelayResponse, { kind: 'stream' }>;
type Served = Extract<ChainResult, { kind: 'served' }>;

/** What a request needs to be continued: the client's request and its chain. */
export interface Continuable {
  readonly request: ChatRequest;
  readonly targets: readonly RelayTarget[];
}

/** How a continued stream went, for the breaker, accounting and the log. */
export interface Continuation {
  /** The target that served the rest. */
  readonly target: RelayTarget;
  readonly response: StreamResponse;
  readonly failures: readonly TargetFailure[];
}

/** Characters per token where a cut stream never said how many it generated (a documented estimate). */
const CHARS_PER_TOKEN = 4;

/** A served stream that continues on another target when it is cut (see the module comment). */
export class ContinuingStream {
  readonly response: StreamResponse;
  /** The first target's cut, once it happened and a continuation was tried. */
  cut: StreamCutError | undefined;
  /** Set once another target took over. */
  continuation: Continuation | undefined;
  private readonly answer = new AnswerSoFar();
  private current: StreamResponse;
  private cancelled = false;

  constructor(
    private readonly deps: CompletionDeps,
    private readonly exchange: Exchange,
    private readonly served: Served & { readonly response: StreamResponse },
    private readonly continuable: Continuable,
  ) {
    const first = served.response;
    this.current = first;
    this.response = {
      kind: 'stream',
      model: first.model,
      events: this.events(),
      usage: () => this.usage(),
      firstByteMs: first.firstByteMs,
      cancel: () => this.cancel(),
    };
  }

  /** The first attempt's usage: as its upstream reported it, completed by estimates after a cut. */
  firstUsage(): NormalizedUsage | undefined {
    const reported = this.served.response.usage();
    if (this.continuation === undefined) return reported;
    const estimated = Math.ceil(this.answer.text.length / CHARS_PER_TOKEN);
    const completionTokens = Math.max(reported?.completionTokens ?? 0, estimated);
    // The continuation's prompt is the same prompt plus the prefill (about the text generated).
    const fromContinuation = Math.max(0, (this.continuation.response.usage()?.promptTokens ?? 0) - estimated);
    const promptTokens = reported !== undefined && reported.promptTokens > 0 ? reported.promptTokens : fromContinuation;
    return { promptTokens, completionTokens };
  }

  /** Both attempts' usage, summed (the client is charged for both). */
  usage(): NormalizedUsage | undefined {
    const first = this.firstUsage();
    const next = this.continuation?.response.usage();
    if (next === undefined) return first;
    return {
      promptTokens: (first?.promptTokens ?? 0) + next.promptTokens,
      completionTokens: (first?.completionTokens ?? 0) + next.completionTokens,
    };
  }

  private async *events(): AsyncGenerator<string, void, undefined> {
    try {
      for await (const chunk of this.served.response.events) {
        this.answer.observe(chunk);
        yield chunk;
      }
      return;
    } catch (error) {
      if (!(error instanceof StreamCutError)) throw error;
      this.cut = error;
    }
    const next = this.answer.continuable && !this.cancelled ? await this.continueElsewhere() : undefined;
    this.deps.continuations?.inc({ outcome: next === undefined ? 'original_cut' : 'continued' });
    if (next === undefined) throw this.cut;
    this.continuation = next.continuation;
    this.current = next.continuation.response;
    for await (const chunk of next.continuation.response.events) {
      const out = next.chunks.rewrite(chunk);
      if (out !== undefined) yield out;
    }
  }

  /** Runs the rest of the chain on the continuation request; undefined when nothing served it. */
  private async continueElsewhere(): Promise<{ continuation: Continuation; chunks: ContinuedChunks } | undefined> {
    const { deps, exchange, served } = this;
    const { request, targets } = this.continuable;
    const candidates = targets.filter((t) => t.name !== served.target.name && prefillModeOf(t) !== 'none');
    if (candidates.length === 0) return undefined;
    const text = this.answer.text;
    const used = Math.max(served.response.usage()?.completionTokens ?? 0, Math.ceil(text.length / CHARS_PER_TOKEN));
    const options = deps.attemptOptions ?? ATTEMPT_OPTIONS;
    const clientGone = new AbortController();
    const onClose = (): void => clientGone.abort();
    exchange.res.once('close', onClose);
    let result: ChainResult;
    try {
      result = await deps.engine.run(
        candidates,
        (context) =>
          createAttempt(
            deps.upstream,
            continuationRequest(request, text, used, context.target).request,
            exchange.requestId,
            options,
          )(context),
        { signal: clientGone.signal, deadline: exchange.startedAt + deps.server.deadlineMs, stream: true },
      );
    } finally {
      exchange.res.removeListener('close', onClose);
    }
    countAttempts(deps, result);
    if (result.kind !== 'served' || result.response.kind !== 'stream') return undefined;
    const response = result.response;
    if (this.cancelled) {
      response.cancel();
      return undefined;
    }
    const { trimmed } = continuationRequest(request, text, used, result.target);
    const continuation = { target: result.target, response, failures: result.failures };
    return { continuation, chunks: new ContinuedChunks(this.answer.identity, trimmed, () => this.usage()) };
  }

  private cancel(): void {
    this.cancelled = true;
    this.current.cancel();
  }
}
