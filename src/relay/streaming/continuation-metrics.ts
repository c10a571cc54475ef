/**
 * `relay_stream_continuations_total{outcome}` (`policies.streams.continueOnCut`): streams cut
 * mid-answer that another target `continued`, and those that ended with the `original_cut`
 * because nothing could continue them (a tool call, no target with a prefill, a refusal, failures).
 */
import { Counter, type Registry } from 'prom-client';

export function continuationCounter(registry: Registry): Counter<'outcome'> {
  return new Counter({
    name: 'relay_stream_continuations_total',
    help: 'Streams cut mid-answer under continueOnCut: continued on another target, or ended with the original cut.',
    labelNames: ['outcome'],
    registers: [registry],
  });
}
