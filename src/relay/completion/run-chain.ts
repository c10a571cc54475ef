/** The pipeline step that runs the chain engine for one request, for as long as the client stays. */
import type { ServerResponse } from 'node:http';
import type { AbortListener, CallerSignal, ChainResult, RelayTarget } from '../contract.js';
import { createAttempt, type AttemptOptions, type ChatRequest } from '../dialects/index.js';
import type { CompletionDeps, Exchange } from './exchange.js';

/** The engine bounds a stream's time to its first content chunk itself (routing/launch.ts). */
export const ATTEMPT_OPTIONS: AttemptOptions = Object.freeze({ ttfbGuard: false });

/**
 * Step: the chain's result for `request` over `targets`, within the request's deadline. The
 * client leaving aborts the attempts, so no target keeps working for nobody.
 */
export async function runChain(
  deps: CompletionDeps,
  exchange: Exchange,
  targets: readonly RelayTarget[],
  request: ChatRequest,
): Promise<ChainResult> {
  const clientGone = new ClientGone(exchange.res);
  try {
    return await deps.engine.run(
      targets,
      createAttempt(deps.upstream, request, exchange.requestId, deps.attemptOptions ?? ATTEMPT_OPTIONS),
      {
        signal: clientGone,
        deadline: exchange.startedAt + deps.server.deadlineMs,
        stream: exchange.stream,
      },
    );
  } finally {
    // A served stream's client leaving is handled by the SSE writer, which cancels the upstream.
    clientGone.dispose();
  }
}

/**
 * The client leaving before its answer, as the engine's caller signal. Not an AbortController:
 * creating one and its EventTarget per request was a visible share of the relay's CPU, and the
 * engine registers a single listener object anyway.
 */
class ClientGone implements CallerSignal {
  aborted = false;
  reason: unknown = undefined;
  private listener: AbortListener | undefined;
  private readonly onClose = (): void => {
    if (this.res.writableFinished || this.aborted) return;
    this.aborted = true;
    this.reason = new DOMException('client closed the connection', 'AbortError');
    const listener = this.listener;
    this.listener = undefined;
    listener?.handleEvent();
  };

  constructor(private readonly res: ServerResponse) {
    res.on('close', this.onClose);
  }

  addEventListener(_type: 'abort', listener: AbortListener): void {
    this.listener = listener; // the engine registers exactly one
  }

  removeEventListener(_type: 'abort', listener: AbortListener): void {
    if (this.listener === listener) this.listener = undefined;
  }

  dispose(): void {
    this.res.removeListener('close', this.onClose);
    this.listener = undefined;
  }
}
