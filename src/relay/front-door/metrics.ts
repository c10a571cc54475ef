/**
 * The relay's Prometheus metrics, in a registry of its own (never prom-client's global one, so
 * several relays in one process, as in tests, do not collide). Label values are bounded: models
 * are configured aliases (any other requested name counts as `unknown`), targets configured
 * names, statuses HTTP codes.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { cachedCounter, type CounterChild } from './metric-children.js';

export interface RelayMetrics {
  readonly registry: Registry;
  /** Requests answered, by requested model (alias) and HTTP status. */
  readonly requests: Counter<'model' | 'status'>;
  /** Upstream attempts by target and outcome (`ok` or a failure kind). */
  readonly attempts: Counter<'target' | 'outcome'>;
  /** Requests served by a target other than the first tried. */
  readonly failovers: Counter;
  /** Circuit breaker transitions by target and new state. */
  readonly breakerTransitions: Counter<'target' | 'to'>;
  /** Spend in USD by requested model. */
  readonly costUsd: Counter<'model'>;
  /** Time the relay itself added (total minus upstream time; for streams, to the first byte), seconds. */
  readonly overhead: Histogram;
  /** Completion requests from arrival to the end of the answer (a stream's last byte), seconds. */
  readonly requestDuration: Histogram;
  /** Requests in flight. */
  readonly inFlight: Gauge;
  /** Requests whose body is still arriving (they hold no in-flight slot). */
  readonly unreadBodies: Gauge;
  /** Cache lookups by result (hit, miss, bypass). */
  readonly cache: Counter<'result'>;
  /** Requests refused before any upstream attempt, by reason (overload, unread_bodies, auth, budget). */
  readonly refused: Counter<'reason'>;
  /** The hot path's cached children of `requests`, `attempts`, `costUsd`, `cache` and `refused` (see metric-children.ts). */
  requestsBy(model: string, status: number): CounterChild;
  attemptsBy(target: string, outcome: string): CounterChild;
  costBy(model: string): CounterChild;
  cacheBy(result: string): CounterChild;
  refusedBy(reason: string): CounterChild;
  /** The text exposition for `GET /metrics`. */
  text(): Promise<string>;
  readonly contentType: string;
}

/** Request-duration buckets in seconds: 5 ms .. 2 min, LLM answers and streams. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

/** Overhead buckets in seconds: 0.1 ms .. 1 s, where relay overhead lives. */
const OVERHEAD_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

/** @param collectDefaults also export process metrics (CPU, memory, event-loop lag). */
export function createRelayMetrics(options: { readonly collectDefaults?: boolean } = {}): RelayMetrics {
  const registry = new Registry();
  const registers = [registry];
  const { requests, attempts, cost, cache, refused } = hotCounters(registers);
  const metrics: RelayMetrics = {
    registry,
    requests: requests.counter,
    attempts: attempts.counter,
    failovers: new Counter({
      name: 'relay_failovers_total',
      help: 'Requests served by a target other than the first tried.',
      registers,
    }),
    breakerTransitions: new Counter({
      name: 'relay_breaker_transitions_total',
      help: 'Circuit breaker transitions, by target and new state.',
      labelNames: ['target', 'to'],
      registers,
    }),
    costUsd: cost.counter,
    overhead: new Histogram({
      name: 'relay_overhead_seconds',
      help: 'Latency added by the relay itself.',
      buckets: OVERHEAD_BUCKETS,
      registers,
    }),
    requestDuration: new Histogram({
      name: 'relay_request_duration_seconds',
      help: 'Completion requests from arrival to the end of the answer.',
      buckets: DURATION_BUCKETS,
      registers,
    }),
    inFlight: new Gauge({ name: 'relay_in_flight', help: 'Requests in flight.', registers }),
    unreadBodies: new Gauge({
      name: 'relay_unread_bodies',
      help: 'Requests whose body is still arriving.',
      registers,
    }),
    cache: cache.counter,
    refused: refused.counter,
    requestsBy: (model, status) => requests.children.child(model, status),
    attemptsBy: (target, outcome) => attempts.children.child(target, outcome),
    costBy: (model) => cost.children.child(model),
    cacheBy: (result) => cache.children.child(result),
    refusedBy: (reason) => refused.children.child(reason),
    text: () => registry.metrics(),
    contentType: registry.contentType,
  };
  if (options.collectDefaults) collectDefaultMetrics({ register: registry });
  return metrics;
}

/** The counters every request touches, each with its cached children (see metric-children.ts). */
function hotCounters(registers: Registry[]) {
  const requests = cachedCounter({
    name: 'relay_requests_total',
    help: 'Requests answered, by requested model and HTTP status.',
    labelNames: ['model', 'status'],
    registers,
  });
  const attempts = cachedCounter({
    name: 'relay_attempts_total',
    help: 'Upstream attempts, by target and outcome.',
    labelNames: ['target', 'outcome'],
    registers,
  });
  const cost = cachedCounter({
    name: 'relay_cost_usd_total',
    help: 'Spend in USD, by requested model.',
    labelNames: ['model'],
    registers,
  });
  const cache = cachedCounter({
    name: 'relay_cache_total',
    help: 'Response cache lookups, by result.',
    labelNames: ['result'],
    registers,
  });
  const refused = cachedCounter({
    name: 'relay_refused_total',
    help: 'Requests refused before any attempt, by reason.',
    labelNames: ['reason'],
    registers,
  });
  return { requests, attempts, cost, cache, refused };
}
