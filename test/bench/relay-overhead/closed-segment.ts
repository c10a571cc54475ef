/**
 * Closed-model segment: autocannon's `connections` clients each send the next request as soon as
 * the previous one returns, so the rate reached is the target's max throughput on this machine.
 */
import autocannon from 'autocannon';
import { cpuBetween, snapshotCpu } from './proc-cpu.js';
import { segmentFigures, withSegmentSignal, type SegmentContext, type SegmentFigures } from './segment.js';
import type { TargetName } from './servers.js';

const BODY = JSON.stringify({
  model: 'gpt-4.1-mini',
  max_tokens: 16,
  messages: [{ role: 'user', content: 'Say hi.' }],
});

/** Closed model: `connections` clients, each sending its next request as soon as one returns. */
export async function closedSegment(
  ctx: SegmentContext,
  target: TargetName,
  url: string,
  connections: number,
  seconds: number,
): Promise<SegmentFigures> {
  const before = snapshotCpu(ctx.pids);
  const result = await withSegmentSignal(
    ctx.signal,
    (signal) =>
      new Promise<autocannon.Result>((resolve, reject) => {
        const instance = autocannon(
          {
            url: `${url}/v1/chat/completions`,
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: BODY,
            connections,
            duration: seconds,
          },
          (error, result) => (error ? reject(error as Error) : resolve(result)),
        );
        const stop = (): void => void instance.stop();
        if (signal.aborted) stop();
        else signal.addEventListener('abort', stop, { once: true });
      }),
  );
  const cpu = cpuBetween(before, snapshotCpu(ctx.pids));
  const answered = result['2xx'] + result.non2xx;
  const failed = result.non2xx + result.errors;
  return segmentFigures(ctx, target, cpu, answered, failed, result['2xx'] / (result.duration || cpu.seconds));
}
