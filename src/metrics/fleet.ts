/**
 * What only a fleet (several replicas of one relay) shows. Pure.
 *
 * - per replica: requests sent to it, served (ok) and failed;
 * - breaker convergence, per provider fault window: each replica's first breaker transition to
 *   `open` for that provider within the window; convergence = last replica's - first replica's;
 * - attempts on a dead provider, per fault window: the requests the provider's mock logged for the
 *   requests that started in the window (`attemptsByProvider`), across the fleet and per replica;
 * - budget overspend, per client key with a budget: spent (its successes priced in the run's book)
 *   beyond the budget.
 */
import { effectiveSpan, type FaultWindow } from './fault-window.js';
import type { PriceBook } from './cost.js';
import type { RequestRecord } from './record.js';
import type { RelayTimelineEvent } from './relay-events.js';
import { NANO_PER_USD, recordSpend } from './spend.js';

export interface ReplicaCounts {
  replica: number;
  sent: number;
  ok: number;
  failed: number;
}

export interface WindowFleetMetrics {
  provider: string;
  type: string;
  startMs: number;
  endMs: number;
  /** Replicas whose breaker for the provider opened within the window. */
  opened: number;
  replicas: number;
  /** First replica's open and last replica's open (ms since load start), when any opened. */
  firstOpenMs?: number;
  lastOpenMs?: number;
  /** lastOpenMs - firstOpenMs, when every replica opened; undefined otherwise. */
  convergenceMs?: number;
  /** Requests the provider saw (mock log) for requests started in the window, whole fleet. */
  attempts: number;
  /** The same per replica (index order). */
  attemptsByReplica: number[];
}

export interface BudgetOverspend {
  client: string;
  budgetUsd: number;
  spentUsd: number;
  /** max(0, spent - budget). */
  overspendUsd: number;
  /** Requests of this client the relay refused with 429 (its budget refusal). */
  refused: number;
}

export interface FleetMetrics {
  replicas: ReplicaCounts[];
  windows: WindowFleetMetrics[];
  budgets: BudgetOverspend[];
}

export interface FleetInput {
  records: readonly RequestRecord[];
  replicas: number;
  /** Fault windows on providers (the Redis link's and replicas' are not provider outages). */
  windows: readonly FaultWindow[];
  relayEvents: readonly RelayTimelineEvent[];
  durationMs: number;
  budgets?: Readonly<Record<string, number>>;
  book?: PriceBook;
  providerModels?: Readonly<Record<string, string>>;
}

export function fleetMetrics(input: FleetInput): FleetMetrics {
  return {
    replicas: replicaCounts(input.records, input.replicas),
    windows: input.windows.filter((w) => w.appliedMs !== undefined).map((w) => windowMetrics(w, input)),
    budgets: budgetOverspend(input),
  };
}

function replicaCounts(records: readonly RequestRecord[], replicas: number): ReplicaCounts[] {
  const counts = Array.from({ length: replicas }, (_, replica) => ({ replica, sent: 0, ok: 0, failed: 0 }));
  for (const record of records) {
    const row = record.replica === undefined ? undefined : counts[record.replica];
    if (row === undefined || record.outcome === 'dropped') continue;
    row.sent++;
    if (record.outcome === 'ok') row.ok++;
    else row.failed++;
  }
  return counts;
}

/** A breaker event is about `provider` when its target is the provider or one of its `provider/model` entries. */
function isAbout(target: string, provider: string): boolean {
  return target === provider || target.startsWith(`${provider}/`);
}

function windowMetrics(window: FaultWindow, input: FleetInput): WindowFleetMetrics {
  const { startMs, endMs } = effectiveSpan(window, input.durationMs);
  const firstOpen = new Map<number, number>();
  for (const event of input.relayEvents) {
    if (event.type !== 'breaker' || event.to !== 'open' || !isAbout(event.target, window.provider)) continue;
    if (event.atMs < startMs || event.atMs > endMs) continue;
    const replica = event.replica ?? 0;
    if (!firstOpen.has(replica)) firstOpen.set(replica, event.atMs);
  }
  const opens = [...firstOpen.values()];
  const attemptsByReplica = Array.from({ length: input.replicas }, () => 0);
  for (const record of input.records) {
    if (record.intendedMs < startMs || record.intendedMs >= endMs) continue;
    const attempts = record.attemptsByProvider?.[window.provider] ?? 0;
    attemptsByReplica[record.replica ?? 0] = (attemptsByReplica[record.replica ?? 0] ?? 0) + attempts;
  }
  const out: WindowFleetMetrics = {
    provider: window.provider,
    type: window.type,
    startMs,
    endMs,
    opened: firstOpen.size,
    replicas: input.replicas,
    attempts: attemptsByReplica.reduce((sum, n) => sum + n, 0),
    attemptsByReplica,
  };
  if (opens.length === 0) return out;
  out.firstOpenMs = Math.min(...opens);
  out.lastOpenMs = Math.max(...opens);
  if (firstOpen.size === input.replicas) out.convergenceMs = out.lastOpenMs - out.firstOpenMs;
  return out;
}

function budgetOverspend(input: FleetInput): BudgetOverspend[] {
  const { budgets, book } = input;
  if (budgets === undefined || book === undefined) return [];
  const pricing = { book, providerModels: input.providerModels ?? {} };
  return Object.entries(budgets).map(([client, budgetUsd]) => {
    let nano = 0;
    let refused = 0;
    for (const record of input.records) {
      if (record.client !== client) continue;
      if (record.status === 429) refused++;
      const spend = recordSpend(record, pricing);
      if (spend.kind === 'priced') nano += spend.nanoUsd;
    }
    const spentUsd = nano / NANO_PER_USD;
    return { client, budgetUsd, spentUsd, overspendUsd: Math.max(0, spentUsd - budgetUsd), refused };
  });
}
