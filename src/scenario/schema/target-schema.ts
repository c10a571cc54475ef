/**
 * A scenario's `target:`: what the load generator calls.
 *
 * - `builtin` (default): our relay in its own process, its providers pointing at the fault-plane proxies.
 * - `direct`: no relay; the client calls the chain's first provider through its proxy (the
 *   "Direct API" row). The client speaks OpenAI, so that provider must have dialect `openai`.
 * - `external`: any OpenAI-compatible relay or gateway, either already running (`url`) or started
 *   by the harness (`command` + `ready_url` + `config_template`). The template (a file, relative
 *   to the scenario) gets `{{port}}`, `{{providers.<name>.url}}` etc. filled in (see template.ts)
 *   and is written to the run directory; `{{config}}` in the command is that file's path.
 *
 * ```yaml
 * target:                                # builtin: our relay, with its per-provider settings
 *   chain:
 *     - { provider: small, context_window: 8000, max_output_tokens: 4096 }
 *     - { provider: large, context_window: 128000, stream_idle_timeout: 10s, key_selection: round-robin }
 *   attempt_timeout: 2s
 *   stream_idle_timeout: 5s              # every provider's, unless its chain entry says otherwise
 * ```
 *
 * ```yaml
 * target:
 *   kind: external
 *   chain: [openai, anthropic]           # for templates (`{{chain.0.url}}`) and failover analysis
 *   command: [node, my-gateway.js, --config, '{{config}}']
 *   config_template: gateway.json.tmpl
 *   ready_url: 'http://127.0.0.1:{{port}}/health'
 *   headers: { x-gateway-config: '{"upstream": "{{chain.0.base_url}}"}' }   # on every request, templated
 * ```
 */
import { z } from 'zod';
import { extraHeaderProblem } from '../../load/extra-headers.js';
import { KEY_SELECTIONS } from '../../relay/policies/key-pool.js';
import { budgetsSchema, checkFleet, redisSchema, replicasSchema, spreadSchema, stateSchema } from './fleet-schema.js';
import { duration, name, wholeNumber } from './units.js';

export const TARGET_KINDS = ['builtin', 'direct', 'external'] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

/** Fields only some kinds take; anything else is reported as not an attribute of the kind. */
const KIND_FIELDS: Readonly<Record<TargetKind, readonly string[]>> = Object.freeze({
  builtin: ['attempt_timeout', 'stream_idle_timeout', 'policies', 'replicas', 'state', 'redis', 'spread', 'budgets'],
  direct: [],
  external: ['url', 'command', 'ready_url', 'config_template', 'env', 'ready_timeout', 'headers', 'provider_header'],
});

const chainMember = z.strictObject({
  provider: name,
  /** Lower is tried first; equal priorities are balanced. Default: the entry's index. */
  priority: z.number().int().nonnegative().optional(),
  /** Share within its priority group. Default 1. */
  weight: z.number().positive().optional(),
  /** Tokens the model takes in (the relay's `contextWindow`): a context-length refusal fails over only to larger ones. */
  context_window: wholeNumber(1, 1_000_000_000, 'tokens').optional(),
  /** Most tokens the model answers with (the relay's `maxOutputTokens`): a larger `max_tokens` is a 400. */
  max_output_tokens: wholeNumber(1, 100_000_000, 'tokens').optional(),
  /** Longest gap between two stream events before the relay ends the stream (`streamIdleTimeoutMs`). */
  stream_idle_timeout: duration().optional(),
  /** How the relay picks among a key pool's keys (`keySelection`): `least-used` (its default) or `round-robin`. */
  key_selection: z.enum(KEY_SELECTIONS).optional(),
});

/**
 * A name or a `{ provider, ... }` entry. Not a zod union: a union hides which field of the entry
 * is wrong behind "Invalid input"; this reports the entry's own issues, field by field.
 */
const chainEntry = z.unknown().transform((value, ctx): string | z.output<typeof chainMember> => {
  const parsed = typeof value === 'string' ? name.safeParse(value) : chainMember.safeParse(value);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    if (issue.code !== 'unrecognized_keys') ctx.addIssue({ ...issue, path: [...issue.path] } as never);
    // Named here: the error printer cannot see through this transform to the entry's allowed keys.
    else
      for (const key of issue.keys)
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `unknown key (allowed: ${Object.keys(chainMember.shape).join(', ')})`,
        });
  }
  return z.NEVER;
});

/** Our relay's settings of one chain member (builtin only), by provider name; only those set. */
export interface ChainMember {
  priority?: number | undefined;
  weight?: number | undefined;
  context_window?: number | undefined;
  max_output_tokens?: number | undefined;
  stream_idle_timeout?: number | undefined;
  key_selection?: (typeof KEY_SELECTIONS)[number] | undefined;
}
export type ChainMembers = Record<string, ChainMember>;

export const targetSchema = z
  .strictObject({
    /** `builtin` (our relay; default), `direct` (no relay) or `external` (another relay or gateway). */
    kind: z.enum(TARGET_KINDS).default('builtin'),
    /**
     * Provider names in priority order; defaults to every provider in the order listed. `direct`
     * calls the first. builtin: an entry may be `{ provider, priority, weight }`, as in the relay's
     * config: equal priorities form one balanced group, weighted within it.
     */
    chain: z.array(chainEntry).min(1).optional(),
    /** builtin: per-attempt upstream timeout inside the relay. Default 2s. */
    attempt_timeout: duration().optional(),
    /**
     * builtin: longest gap between two events of a served stream before the relay ends it with an
     * error event (the relay's per-provider `streamIdleTimeoutMs`; its own default is 15s).
     */
    stream_idle_timeout: duration().optional(),
    /** builtin: the relay's policy settings (`policies` in its config file: breaker, retry, hedge, cache...). */
    policies: z.record(z.string(), z.unknown()).optional(),
    /** builtin: how many relay processes (a fleet; fleet-schema.ts). Default 1. */
    replicas: replicasSchema.optional(),
    /** builtin: `memory` (default: each replica alone) or `redis` (state shared through one Redis). */
    state: stateSchema.optional(),
    /** builtin, state redis: an existing Redis (`url`), key prefix and command timeout. */
    redis: redisSchema.optional(),
    /** builtin: how the load spreads requests over the replicas: `round_robin` (default) or `random`. */
    spread: spreadSchema.optional(),
    /** builtin: a USD budget per client key (names from load.mix.keys), enforced by the relay. */
    budgets: budgetsSchema.optional(),
    /**
     * external: the gateway's base URL (the client posts to `<url>/v1/chat/completions`). Alone: an
     * already-running gateway. With `command`: templated, default `http://127.0.0.1:{{port}}`.
     */
    url: z.string().min(1).optional(),
    /** external: the command that starts the gateway, as a list (no shell) or one string (run by `sh -c`); templated. */
    command: z.union([z.string().min(1), z.array(z.string()).min(1)]).optional(),
    /** external: polled until it answers 2xx; templated (e.g. `http://127.0.0.1:{{port}}/health`). Default: `url`. */
    ready_url: z.string().min(1).optional(),
    /** external: a config file template, relative to the scenario file; filled and written to the run directory. */
    config_template: z.string().min(1).optional(),
    /** external: environment variables for the command (values templated). */
    env: z.record(z.string(), z.string()).optional(),
    /** external: how long the command may take to answer `ready_url`. Default 30s. */
    ready_timeout: duration().optional(),
    /**
     * external: headers sent with every request (values templated, filled once when the target
     * starts), for a gateway that takes its routing per request (Portkey's `x-portkey-config`).
     */
    headers: z.record(z.string(), z.string()).optional(),
    /**
     * external: a response header in which the gateway names the provider that served the request,
     * for attribution where no mock's log can tell (real APIs). Our relay's `x-relay-provider` is always read.
     */
    provider_header: z
      .string()
      .regex(/^[A-Za-z0-9-]+$/, 'expected a header name')
      .transform((h) => h.toLowerCase())
      .optional(),
  })
  .superRefine((t, ctx) => {
    checkFleet(t, (path, message) => ctx.addIssue({ code: 'custom', path, message }));
    for (const kind of TARGET_KINDS) {
      if (kind === t.kind) continue;
      for (const field of KIND_FIELDS[kind]) {
        if (t[field as keyof typeof t] !== undefined && !KIND_FIELDS[t.kind].includes(field)) {
          ctx.addIssue({
            code: 'custom',
            path: [field],
            message: `not an attribute of target kind '${t.kind}' (only of ${kind})`,
          });
        }
      }
    }
    if (t.kind !== 'builtin') {
      t.chain?.forEach((member, index) => {
        if (typeof member !== 'string')
          ctx.addIssue({
            code: 'custom',
            path: ['chain', index],
            message: `${settingsNamed(member)} our relay's settings (kind builtin); a ${t.kind} target takes provider names only`,
          });
      });
    }
    if (t.kind !== 'external') return;
    const seen = new Map<string, string>();
    for (const [header, value] of Object.entries(t.headers ?? {})) {
      const problem =
        extraHeaderProblem(header, value) ??
        (seen.has(header.toLowerCase())
          ? `'${header}' and '${seen.get(header.toLowerCase())}' are the same header (names are case-insensitive)`
          : undefined);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', path: ['headers', header], message: problem });
      seen.set(header.toLowerCase(), header);
    }
    if (t.url === undefined && t.command === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['kind'],
        message: "an external target needs 'url' (a running gateway) or 'command' (+ 'ready_url', 'config_template')",
      });
    }
    if (t.command === undefined) {
      for (const field of ['ready_url', 'config_template', 'env', 'ready_timeout'] as const) {
        if (t[field] !== undefined) ctx.addIssue({ code: 'custom', path: [field], message: "only with 'command'" });
      }
    }
  })
  .transform((t) => ({
    ...t,
    chain: t.chain?.map((member) => (typeof member === 'string' ? member : member.provider)),
    members: Object.fromEntries(
      (t.chain ?? []).flatMap((member) =>
        typeof member === 'string' ? [] : [[member.provider, memberSettings(member)]],
      ),
    ) as ChainMembers,
    attempt_timeout: t.attempt_timeout ?? 2000,
    replicas: t.replicas ?? 1,
    state: t.state ?? 'memory',
    spread: t.spread ?? 'round_robin',
    ready_timeout: t.ready_timeout ?? 30_000,
  }));

export type TargetSpec = z.output<typeof targetSchema>;

/** `priority and weight are`, `context_window is`: what a chain entry sets besides its provider. */
function settingsNamed(member: object): string {
  const fields = Object.keys(member).filter((k) => k !== 'provider');
  if (fields.length === 0) return 'priority and weight are';
  if (fields.every((f) => f === 'priority' || f === 'weight')) return 'priority and weight are';
  return fields.length === 1 ? `${fields[0]} is one of` : `${fields.join(', ')} are`;
}

function memberSettings({ provider: _provider, ...settings }: z.output<typeof chainMember>): ChainMember {
  return Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined)) as ChainMember;
}
