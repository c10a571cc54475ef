/**
 * The pipeline step that refuses a request asking for more output tokens than its chain's models
 * can give (`maxOutputTokens` on chain entries), with a 400 naming the field, instead of letting
 * every target reject it in turn.
 */
import type { ChainEntryConfig } from '../config.js';
import type { RelayTarget } from '../contract.js';
import { maxTokensOf, type ChatRequest } from '../dialects/chat-request.js';
import { refuse, type CompletionDeps, type Exchange } from './exchange.js';

/** The most output tokens a chain can serve; undefined when some entry declares no limit (unbounded). */
export function chainOutputLimit(chain: readonly ChainEntryConfig[]): number | undefined {
  let limit = 0;
  for (const entry of chain) {
    if (entry.maxOutputTokens === undefined) return undefined;
    limit = Math.max(limit, entry.maxOutputTokens);
  }
  return chain.length === 0 ? undefined : limit;
}

/** Step: true when `request`'s token cap fits the chain of `targets`; else refuses with 400 and returns false. */
export function withinOutputLimit(
  deps: CompletionDeps,
  exchange: Exchange,
  request: ChatRequest,
  targets: readonly RelayTarget[],
): boolean {
  const limit = deps.outputLimits.get(targets);
  if (limit === undefined) return true;
  const asked = maxTokensOf(request);
  if (asked === undefined || asked <= limit) return true;
  const field = request.max_completion_tokens != null ? 'max_completion_tokens' : 'max_tokens';
  const reason = `${field} must be at most ${limit} for model '${request.model}' (got ${asked})`;
  refuse(deps, exchange, {}, 'invalid_request', { reason, field });
  return false;
}
