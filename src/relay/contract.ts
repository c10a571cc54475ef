/**
 * The relay's internal contract: what the request pipeline, the dialect adapters and the
 * resilience policies exchange. Shared by every part of src/relay; change it deliberately.
 *
 *   front door (auth, limits, parse, alias -> chain, budget, cache)
 *     -> chain engine (order targets, skip cooling/open ones, retry, hedge, deadline)
 *        -> attempt (one dialect adapter call to one target) -> RelayResponse
 *     -> respond (JSON, or SSE stream with the streaming contract) + cost + metrics
 */

/** Usage normalised across dialects. */
export interface NormalizedUsage {
  readonly promptTokens: number;
  readonly completionTokens: number;
}

/**
 * A successful answer, already translated to OpenAI's shape whatever the dialect upstream.
 * `json`: a whole chat.completion. `stream`: the first content chunk has arrived (the point of
 * no return for failover); the rest is read from `events`.
 */
export type RelayResponse =
  | {
      readonly kind: 'json';
      readonly status: number;
      /** The chat.completion object, serialised in OpenAI's shape. */
      readonly body: Buffer | string;
      readonly model: string;
      readonly usage: NormalizedUsage | undefined;
      /** From send to the last body byte. */
      readonly elapsedMs: number;
    }
  | {
      readonly kind: 'stream';
      readonly model: string;
      /**
       * OpenAI `chat.completion.chunk` objects, serialised (no `data: ` prefix), starting with
       * the chunks read so far; ends after the last chunk (the writer adds `[DONE]`). Throws
       * `StreamCutError` if the upstream stream breaks or reports an in-band error.
       */
      readonly events: AsyncIterable<string>;
      /** Usage, known once `events` is exhausted (undefined if upstream never said). */
      usage(): NormalizedUsage | undefined;
      /** Time to the first content chunk. */
      readonly firstByteMs: number;
      /** Stops reading and releases the upstream connection (loser of a hedge, client gone). */
      cancel(): void;
    };

/** An upstream stream broke after its first content byte: the client gets an error event. */
export class StreamCutError extends Error {
  constructor(
    message: string,
    readonly kind: 'reset' | 'timeout' | 'in_band_error' | 'malformed',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StreamCutError';
  }
}
