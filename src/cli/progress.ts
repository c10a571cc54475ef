/**
 * Progress for long runs: a live line on a TTY, plain periodic lines elsewhere (CI logs).
 * Writes to stderr so stdout carries only the report.
 */
import type { RunEvent } from '../scenario/runner.js';

export function progressPrinter(stream: NodeJS.WriteStream = process.stderr): (event: RunEvent) => void {
  const live = stream.isTTY === true;
  let lastPlain = -Infinity;
  let lineOpen = false;
  const println = (text: string): void => {
    if (lineOpen) stream.write('\r\x1b[2K');
    lineOpen = false;
    stream.write(`${text}\n`);
  };
  return (event) => {
    switch (event.kind) {
      case 'phase':
        println(`relaybench: ${event.message}`);
        return;
      case 'fault': {
        const e = event.event;
        const what = `${e.fault.type} on ${e.fault.provider}`;
        if (e.kind === 'error') println(`  fault ${what}: ERROR ${e.error.message}`);
        else println(`  fault ${what} ${e.kind} at ${(e.atMs / 1000).toFixed(2)} s`);
        return;
      }
      case 'cleanup-error':
        println(`  cleanup problem: ${event.message}`);
        return;
      case 'progress': {
        const done = event.ok + event.failed + event.dropped;
        const success = done === 0 ? '—' : `${((event.ok / done) * 100).toFixed(1)}%`;
        const faults = event.activeFaults.length > 0 ? event.activeFaults.join(', ') : 'none';
        const text = `  ${(event.elapsedMs / 1000).toFixed(0)}/${(event.totalMs / 1000).toFixed(0)} s  sent ${event.scheduled}  ok ${success}  failed ${event.failed}  dropped ${event.dropped}  faults: ${faults}`;
        if (live) {
          stream.write(`\r\x1b[2K${text}`);
          lineOpen = true;
        } else if (event.elapsedMs - lastPlain >= 5000) {
          lastPlain = event.elapsedMs;
          println(text);
        }
        return;
      }
      default: {
        const unreachable: never = event;
        return unreachable;
      }
    }
  };
}
