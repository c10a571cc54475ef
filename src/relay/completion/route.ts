/** The pipeline step that picks the chain to run: the alias's targets, or its budget downgrade (404, 429). */
import type { RelayTarget } from '../contract.js';
import type { ChatRequest } from '../dialects/index.js';
import { refuse, type CompletionDeps, type Exchange } from './exchange.js';

/**
 * Step: the targets serving `request.model` (or the catch-all chain), switched to the downgrade
 * alias when the key's budget says so; refuses (404 unknown model, 429 budget spent) and returns
 * undefined otherwise.
 */
export function resolveTargets(
  deps: CompletionDeps,
  exchange: Exchange,
  request: ChatRequest,
): readonly RelayTarget[] | undefined {
  const { aliases } = deps;
  const targets = aliases.get(request.model) ?? aliases.get(undefined);
  if (targets === undefined) return void refuse(deps, exchange, {}, 'unknown_alias', { model: request.model });
  const client = exchange.client;
  const budget = deps.budgets.check(client);
  switch (budget.kind) {
    case 'ok':
      return targets;
    case 'downgrade':
      return aliases.get(budget.to) ?? targets;
    case 'reject': {
      deps.metrics.refusedBy('budget').inc();
      const headers = budget.retryAfterS === undefined ? {} : { 'retry-after': String(budget.retryAfterS) };
      const { spentUsd, budgetUsd } = budget;
      return void refuse(deps, exchange, headers, 'budget_exhausted', { keyId: client.id, spentUsd, budgetUsd });
    }
    default: {
      const unreachable: never = budget;
      return unreachable;
    }
  }
}
