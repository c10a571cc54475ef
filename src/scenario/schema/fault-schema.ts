/**
 * One entry of a scenario's `faults:` list, validated against its kind's row in FAULT_KINDS:
 *
 * ```yaml
 * - type: latency                # a kind from FAULT_KINDS (reset_peer and timeout: old names)
 *   provider: primary            # or providers: [primary, fallback]
 *   at: 5s                       # onset, from the start of load
 *   for: 10s                     # omitted when repeat gives `on`; `until_end`: to the end of the load
 *   rate: 1                      # share of requests (mock kinds) or connections (toxicity)
 *   stream: downstream           # proxy kinds only
 *   latency: 500ms               # the kind's own attributes, durations in human units
 *   repeat: { every: 20s, times: 3 }   # or { on: 3s, off: 7s, times: 5 } (flapping)
 *   ramp: { to: 2s, steps: 4 }   # latency only: rises in equal steps over the window
 * ```
 *
 * A fleet (`target.replicas`, `state: redis`) adds two places a fault can hit: `target: redis`
 * instead of `provider` puts a proxy kind (down, latency, reset...) on the relays' link to Redis;
 * `type: kill_replica` with `replica: 1` (0-based) SIGKILLs that relay process at `at` and, with
 * `for`, starts a fresh one on its port after it (without `for` it stays down).
 *
 * Problems are reported per field (`faults[2].jitter: not an attribute of http_status ...`).
 */
import { z } from 'zod';
import { FAULT_KIND_ALIASES, FAULT_KINDS, type FaultKindDef, type FaultKindName } from './fault-kinds.js';
import { parseDurationMs } from '../../units.js';

export interface FaultSpec {
  /** The kind as written (an old alias stays as written, so reports use the user's word). */
  type: string;
  kind: FaultKindName;
  providers: string[];
  /** Onset and length of the (first) window, ms from the start of load. */
  at: number;
  for: number;
  /** Share of requests hit (mock kinds) or toxicity (proxy kinds); 1 for `down`. */
  rate: number;
  stream: 'upstream' | 'downstream';
  /** The kind's attributes by their scenario names, in wire units (ms, µs for slicer delay, s for retry_after, KB/s). */
  attributes: Record<string, number>;
  /** Repetitions: the window starts again every `every` ms, `times` windows in all. */
  repeat?: { every: number; times: number };
  /** Latency ramp: from `attributes.latency` to `to` ms in `steps` equal sub-windows. */
  ramp?: { to: number; steps: number };
  /** `redis`: the fault is on the relays' link to Redis (`providers` is then `['redis']`). */
  link?: 'redis';
  /** kill_replica: the replica's index (0-based); `providers` is then `['replica-<n>']`. */
  replica?: number;
  /** kill_replica: whether a fresh replica starts after `for` (false: `for` is 0 and it stays down). */
  restart?: boolean;
  /**
   * `for: until_end`: the window lasts to the end of the load and is held until the requests in
   * flight have drained; `for` is 0 as parsed and set to the rest of the load when it is planned.
   */
  untilEnd?: true;
}

/** The `for` value that holds a fault to the end of the load (and its in-flight requests). */
export const UNTIL_END = 'until_end';

const COMMON = ['type', 'provider', 'providers', 'target', 'at', 'for', 'rate', 'stream', 'repeat', 'ramp'] as const;
const NAME = /^[a-z0-9][a-z0-9_-]*$/i;
const MAX_TIMES = 10_000;

type Issue = (path: ReadonlyArray<string | number>, message: string) => void;

/** Zod schema of one fault entry. */
export const faultSchema = z.unknown().transform((input, ctx): FaultSpec => {
  let failed = false;
  const issue: Issue = (path, message) => {
    failed = true;
    ctx.addIssue({ code: 'custom', path: [...path], message });
  };
  const spec = parseFault(input, issue);
  return failed || spec === undefined ? z.NEVER : spec;
});

/** Kinds in the order the docs list them, with the aliases. */
export function kindNames(): string {
  return [
    ...Object.keys(FAULT_KINDS),
    ...Object.keys(FAULT_KIND_ALIASES).map((a) => `${a} (= ${FAULT_KIND_ALIASES[a]})`),
  ].join(', ');
}

function parseFault(input: unknown, issue: Issue): FaultSpec | undefined {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    issue([], `expected a fault (a mapping with type, provider, at, for...), got ${show(input)}`);
    return undefined;
  }
  const raw = input as Record<string, unknown>;
  const type = raw.type;
  const kind =
    typeof type === 'string' ? (type in FAULT_KINDS ? (type as FaultKindName) : FAULT_KIND_ALIASES[type]) : undefined;
  if (kind === undefined) {
    issue(['type'], `expected one of ${kindNames()}, got ${show(type)}`);
    return undefined;
  }
  const def = FAULT_KINDS[kind];
  if (def.plane === 'replica') return parseReplicaFault(raw, type as string, kind, issue);
  const allowed = allowedKeys(kind, def);
  for (const key of Object.keys(raw)) {
    if (!allowed.includes(key)) issue([key], `not an attribute of ${type as string} (allowed: ${allowed.join(', ')})`);
  }

  const providers = raw.target === undefined ? parseProviders(raw, issue) : parseLinkTarget(raw, def, issue);
  const at = duration(raw, 'at', issue);
  const repeat = raw.repeat === undefined ? undefined : parseRepeat(raw.repeat, issue);
  const onMs = repeat?.on;
  let forMs: number | undefined;
  const untilEnd = raw.for === UNTIL_END;
  if (onMs !== undefined) {
    if (raw.for !== undefined) issue(['for'], 'not with repeat.on: the window length is repeat.on');
    forMs = onMs;
  } else if (untilEnd) {
    if (repeat !== undefined) issue(['for'], `${UNTIL_END}: not with repeat (a window held to the end cannot repeat)`);
    forMs = 0; // the rest of the load: set when the scenario is planned (loader.ts)
  } else {
    forMs = duration(raw, 'for', issue, { positive: true, or: UNTIL_END });
    if (repeat?.every !== undefined && forMs !== undefined && repeat.every < forMs) {
      issue(
        ['repeat', 'every'],
        `must be at least the window length (for: ${forMs / 1000}s) so that repetitions do not overlap`,
      );
    }
  }
  const rate = raw.rate ?? 1;
  if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1))
    issue(['rate'], `expected a number from 0 to 1, got ${show(raw.rate)}`);
  const stream = raw.stream ?? 'downstream';
  if (stream !== 'downstream' && stream !== 'upstream')
    issue(['stream'], `expected downstream or upstream, got ${show(raw.stream)}`);

  const attributes: Record<string, number> = {};
  let failedAttributes = 0;
  for (const [name, attribute] of Object.entries(def.attributes)) {
    if (raw[name] === undefined) {
      if (attribute.default !== undefined) attributes[name] = attribute.default;
      else if (!attribute.optional) {
        issue([name], `required for ${type as string}`);
        failedAttributes++;
      }
      continue;
    }
    const parsed = attribute.parse(raw[name]);
    if (parsed.ok) attributes[name] = parsed.value;
    else {
      issue([name], parsed.problem);
      failedAttributes++;
    }
  }
  const crossCheck = failedAttributes === 0 ? def.check?.(attributes) : undefined;
  if (crossCheck) issue([crossCheck.attribute], crossCheck.problem);
  const ramp = raw.ramp === undefined || kind !== 'latency' ? undefined : parseRamp(raw.ramp, issue);

  if (providers === undefined || at === undefined || forMs === undefined || typeof rate !== 'number') return undefined;
  return {
    type: type as string,
    kind,
    providers,
    at,
    for: forMs,
    rate,
    stream: stream as FaultSpec['stream'],
    attributes,
    ...(repeat === undefined
      ? {}
      : { repeat: { every: repeat.every ?? forMs + (repeat.off ?? 0), times: repeat.times } }),
    ...(ramp === undefined ? {} : { ramp }),
    ...(raw.target === undefined ? {} : { link: 'redis' as const }),
    ...(untilEnd ? { untilEnd: true as const } : {}),
  };
}

/** `target: redis` in place of `provider`: a proxy kind on the relays' link to Redis. */
function parseLinkTarget(raw: Record<string, unknown>, def: FaultKindDef, issue: Issue): string[] | undefined {
  if (raw.target !== 'redis') {
    issue(['target'], `expected redis (the relays' link to their shared Redis), got ${show(raw.target)}`);
    return undefined;
  }
  if (raw.provider !== undefined || raw.providers !== undefined) {
    issue([raw.provider !== undefined ? 'provider' : 'providers'], 'give provider(s) or target: redis, not both');
    return undefined;
  }
  if (def.plane !== 'proxy') {
    issue(
      ['target'],
      `only TCP-level kinds apply to the Redis link (down, latency, reset, blackhole...), not ${show(raw.type)}`,
    );
    return undefined;
  }
  return ['redis'];
}

/** `kill_replica`: `replica` (0-based), `at`, and optionally `for` (then a fresh replica starts after it). */
function parseReplicaFault(
  raw: Record<string, unknown>,
  type: string,
  kind: FaultKindName,
  issue: Issue,
): FaultSpec | undefined {
  const allowed = ['type', 'replica', 'at', 'for'];
  for (const key of Object.keys(raw)) {
    if (!allowed.includes(key)) issue([key], `not an attribute of ${type} (allowed: ${allowed.join(', ')})`);
  }
  const replica = raw.replica;
  const validReplica = typeof replica === 'number' && Number.isInteger(replica) && replica >= 0;
  if (!validReplica)
    issue(['replica'], `required: the replica's index, an integer from 0 (the first), got ${show(replica)}`);
  const at = duration(raw, 'at', issue);
  const forMs = raw.for === undefined ? 0 : duration(raw, 'for', issue, { positive: true });
  if (!validReplica || at === undefined || forMs === undefined) return undefined;
  return {
    type,
    kind,
    providers: [`replica-${replica}`],
    at,
    for: forMs,
    rate: 1,
    stream: 'downstream',
    attributes: {},
    replica,
    restart: raw.for !== undefined,
  };
}

function allowedKeys(kind: FaultKindName, def: FaultKindDef): string[] {
  const common = COMMON.filter((key) => {
    if (key === 'stream') return def.plane === 'proxy' && kind !== 'down';
    if (key === 'rate') return kind !== 'down';
    if (key === 'ramp') return kind === 'latency';
    if (key === 'target') return def.plane === 'proxy';
    return true;
  });
  return [...common, ...Object.keys(def.attributes)];
}

function parseProviders(raw: Record<string, unknown>, issue: Issue): string[] | undefined {
  if (raw.provider !== undefined && raw.providers !== undefined) {
    issue(['providers'], 'give provider or providers, not both');
    return undefined;
  }
  if (raw.provider !== undefined) {
    if (typeof raw.provider === 'string' && NAME.test(raw.provider)) return [raw.provider];
    issue(['provider'], `expected a provider name, got ${show(raw.provider)}`);
    return undefined;
  }
  if (raw.providers === undefined) {
    issue(['provider'], 'required: the provider the fault hits (or providers: [a, b])');
    return undefined;
  }
  const list = raw.providers;
  if (!Array.isArray(list) || list.length === 0) {
    issue(['providers'], `expected a non-empty list of provider names, got ${show(list)}`);
    return undefined;
  }
  let ok = true;
  list.forEach((name, index) => {
    if (typeof name !== 'string' || !NAME.test(name)) {
      issue(['providers', index], `expected a provider name, got ${show(name)}`);
      ok = false;
    } else if (list.indexOf(name) !== index) {
      issue(['providers', index], `'${name}' is listed twice`);
      ok = false;
    }
  });
  return ok ? (list as string[]) : undefined;
}

interface RawRepeat {
  every?: number;
  on?: number;
  off?: number;
  times: number;
}

function parseRepeat(input: unknown, issue: Issue): RawRepeat | undefined {
  const path = ['repeat'];
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    issue(path, `expected { every, times } or { on, off, times }, got ${show(input)}`);
    return undefined;
  }
  const raw = input as Record<string, unknown>;
  const flapping = raw.on !== undefined || raw.off !== undefined;
  const allowed = flapping ? ['on', 'off', 'times'] : ['every', 'times'];
  for (const key of Object.keys(raw)) {
    if (!allowed.includes(key))
      issue(
        [...path, key],
        `unknown key (allowed: ${flapping ? 'on, off, times' : 'every, times; or on, off, times'})`,
      );
  }
  const times = raw.times;
  if (!(typeof times === 'number' && Number.isInteger(times) && times >= 1 && times <= MAX_TIMES)) {
    issue([...path, 'times'], `expected an integer from 1 to ${MAX_TIMES}, got ${show(times)}`);
  }
  if (flapping) {
    const on = duration(raw, 'on', issue, { positive: true, path });
    const off = duration(raw, 'off', issue, { positive: true, path });
    if (on === undefined || off === undefined || typeof times !== 'number') return undefined;
    return { on, off, times };
  }
  const every = duration(raw, 'every', issue, { positive: true, path });
  if (every === undefined || typeof times !== 'number') return undefined;
  return { every, times };
}

function parseRamp(input: unknown, issue: Issue): FaultSpec['ramp'] {
  const path = ['ramp'];
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    issue(path, `expected { to, steps }, got ${show(input)}`);
    return undefined;
  }
  const raw = input as Record<string, unknown>;
  for (const key of Object.keys(raw))
    if (key !== 'to' && key !== 'steps') issue([...path, key], 'unknown key (allowed: to, steps)');
  const to = FAULT_KINDS.latency.attributes.latency!.parse(raw.to);
  if (!to.ok) issue([...path, 'to'], to.problem);
  const steps = raw.steps;
  if (!(typeof steps === 'number' && Number.isInteger(steps) && steps >= 2 && steps <= 1000)) {
    issue([...path, 'steps'], `expected an integer from 2 to 1000, got ${show(steps)}`);
    return undefined;
  }
  return to.ok ? { to: to.value, steps } : undefined;
}

function duration(
  raw: Record<string, unknown>,
  key: string,
  issue: Issue,
  options: { positive?: boolean; path?: readonly string[]; or?: string } = {},
): number | undefined {
  const path = [...(options.path ?? []), key];
  const value = raw[key];
  if (value === undefined) {
    issue(path, 'required: a duration such as 250ms, 8s or 1m');
    return undefined;
  }
  const ms = typeof value === 'string' ? parseDurationMs(value) : undefined;
  if (ms === undefined || (options.positive && ms <= 0)) {
    issue(
      path,
      `expected a ${options.positive ? 'positive ' : ''}duration such as 250ms, 8s or 1m${options.or === undefined ? '' : ` (or ${options.or})`}, got ${show(value)}`,
    );
    return undefined;
  }
  return ms;
}

function show(value: unknown): string {
  return value === undefined ? 'nothing (missing)' : (JSON.stringify(value) ?? String(value));
}
