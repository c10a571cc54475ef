/**
 * The scenario's `slo:` section: per-request objectives that goodput (and the `goodput` gate)
 * judges every request against (metrics/slo.ts says how each is judged).
 *
 *   slo: { ttft: 500ms, itl: 50ms, tpot: 30ms, latency: 5s }
 */
import { z } from 'zod';
import type { ServingSlo } from '../../metrics/slo.js';
import { duration } from './units.js';

/** A positive duration; the message quotes what was written. */
const objective = () =>
  z
    .unknown()
    .superRefine((value, ctx) => {
      const ms = duration().safeParse(value);
      if (!ms.success || ms.data <= 0)
        ctx.addIssue({
          code: 'custom',
          message: `expected a positive duration such as 50ms or 2s, got ${JSON.stringify(value)}`,
        });
    })
    .transform((value) => duration().parse(value));

export const sloSchema = z
  .strictObject({
    /** Time to first token, from the intended start (a JSON answer: its whole latency). */
    ttft: objective().optional(),
    /** The largest gap between two content chunks of a stream. */
    itl: objective().optional(),
    /** Time per output token after the first: (latency - TTFT) / (output tokens - 1). */
    tpot: objective().optional(),
    /** End-to-end latency, from the intended start. */
    latency: objective().optional(),
  })
  .refine((slo) => Object.values(slo).some((v) => v !== undefined), {
    message: 'states no objective; give at least one of ttft, itl, tpot, latency',
  })
  .transform((slo): ServingSlo => ({
    ...(slo.ttft === undefined ? {} : { ttftMs: slo.ttft }),
    ...(slo.itl === undefined ? {} : { itlMs: slo.itl }),
    ...(slo.tpot === undefined ? {} : { tpotMs: slo.tpot }),
    ...(slo.latency === undefined ? {} : { latencyMs: slo.latency }),
  }));
