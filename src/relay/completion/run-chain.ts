/** The pipeline step that runs the chain engine for one request, for as long as the client stays. */
import type { ChainResult, RelayTarget } from '../contract.js';
import { createAttempt, type AttemptOptions, type ChatRequest } from '../dialects/index.js';
import type { CompletionDeps, Exchange } from './exchange.js';

/** The engine bounds a stream's time to its first content chunk itself (routing/launch.ts). */
const ATTEMPT_OPTIONS: AttemptOptions = Object.freeze({ ttfbGuard: false });

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
  const { res } = exchange;
  const controller = new AbortController();
  const onClose = (): void => {
    if (!res.writableFinished) controller.abort(new DOMException('client closed the connection', 'AbortError'));
  };
  res.once('close', onClose);
  const attempt = createAttempt(deps.upstream, request, exchange.requestId, ATTEMPT_OPTIONS);
  const result = await deps.engine.run(targets, attempt, {
    signal: controller.signal,
    deadline: exchange.startedAt + deps.server.deadlineMs,
    stream: exchange.stream,
  });
  // A served stream's client leaving is handled by the SSE writer, which cancels the upstream.
  res.removeListener('close', onClose);
  return result;
}
