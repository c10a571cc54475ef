/**
 * `npm run bench:harness`: how fast are the harness's hot paths, and can one event loop keep an
 * open-model schedule? tinybench micro-benchmarks (HDR record, response classification, SSE
 * metering, gate evaluation), then the generator at 1k, 5k and 10k req/s against a trivial
 * loopback server in its own process: achieved vs offered rate and schedule lag, with one
 * generator thread and with `load.workers` threads at the higher rates.
 * Env: BENCH_RATES (comma list), BENCH_SECONDS (per rate, default 3), BENCH_WORKERS (default 2).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { Bench } from 'tinybench';
import { parseCompletion } from '../../src/load/classify-response.js';
import { runOpenModel, type OpenModelRun } from '../../src/load/open-model.js';
import { runOpenModelInWorkers } from '../../src/load/worker-load.js';
import { StreamMeter } from '../../src/load/stream-meter.js';
import { createHistogram, recordMicros } from '../../src/metrics/histogram.js';
import { ItlRecorder } from '../../src/metrics/itl-histograms.js';
import type { RequestRecord } from '../../src/metrics/record.js';
import { evaluateGate, parseGate } from '../../src/scenario/gates/grammar.js';

const RATES = (process.env.BENCH_RATES ?? '1000,5000,10000').split(',').map(Number);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 2);
const log = (line: string): void => void process.stderr.write(`${line}\n`);

const COMPLETION = JSON.stringify({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  model: 'gpt-4.1-mini',
  choices: [
    { index: 0, message: { role: 'assistant', content: 'Hello! How can I help you today?' }, finish_reason: 'stop' },
  ],
  usage: { prompt_tokens: 12, completion_tokens: 9, total_tokens: 21 },
});
const SSE = [
  ...['Hello', '!', ' How', ' can', ' I', ' help', ' you', ' today', '?'].map(
    (t) => `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: t } }] })}\n\n`,
  ),
  `data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: 12, completion_tokens: 9 } })}\n\n`,
  'data: [DONE]\n\n',
];

async function microBenchmarks(): Promise<string> {
  const histogram = createHistogram();
  let i = 0;
  const latencyGate = parseGate('latency', 'p(99) < 1500ms');
  const rateGate = parseGate('success_rate', 'rate >= 99.9%');
  const itl = new ItlRecorder(1000);
  const bench = new Bench({ time: 500, warmupTime: 100 });
  bench
    .add('HDR recordMicros', () => recordMicros(histogram, 1000 + (i++ % 50_000)))
    .add('classify JSON completion (parseCompletion)', () => parseCompletion(COMPLETION))
    .add('meter SSE stream (11 events, per-event chunks)', () => {
      const meter = new StreamMeter();
      for (let k = 0; k < SSE.length; k++) meter.push(SSE[k]!, k);
      meter.end();
      if (meter.verdict() !== 'ok') throw new Error('bad verdict');
    })
    .add('meter SSE stream, each gap into the ITL histograms (slot + provider)', () => {
      const meter = new StreamMeter();
      meter.gaps = itl.sinkFor(i++ % 60_000, 'primary');
      for (let k = 0; k < SSE.length; k++) meter.push(SSE[k]!, k * 20);
      meter.end();
      if (meter.verdict() !== 'ok') throw new Error('bad verdict');
    })
    .add('gate parse + evaluate (p(99) < 1500ms)', () =>
      evaluateGate(parseGate('latency', 'p(99) < 1500ms'), () => 1234),
    )
    .add('gate evaluate only (2 gates)', () => {
      evaluateGate(latencyGate, () => 1234);
      evaluateGate(rateGate, () => 0.9995);
    });
  await bench.run();
  const rows = bench.tasks.map((task) => {
    const r = task.result as { latency: { mean: number; p99: number }; throughput: { mean: number } } | undefined;
    if (!r) return `| ${task.name} | — | — | — |`;
    return `| ${task.name} | ${Math.round(r.throughput.mean).toLocaleString('en-US')} | ${(r.latency.mean * 1e6).toFixed(0)} ns | ${(r.latency.p99 * 1e6).toFixed(0)} ns |`;
  });
  return ['| Hot path | ops/s | mean | p99 |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

/** A trivial completion server in its own process, so it does not share the generator's loop. */
async function startTrivialServer(): Promise<{ url: string; child: ChildProcess }> {
  const code = `
    const body = ${JSON.stringify(COMPLETION)};
    const server = require('node:http').createServer((req, res) => {
      req.resume();
      req.on('end', () => { res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }); res.end(body); });
    });
    server.keepAliveTimeout = 60000;
    server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
  return { url: `http://127.0.0.1:${chunk.toString().trim()}`, child };
}

async function scheduleAccuracy(url: string, rate: number, workers = 1): Promise<string> {
  const durationMs = SECONDS * 1000;
  let sent = 0;
  let ok = 0;
  let dropped = 0;
  let firstSent = Infinity;
  let lastSent = 0;
  const options = {
    baseUrl: url,
    schedule: { kind: 'constant' as const, rate, durationMs },
    precision: 'poll' as const, // this bench measures the generator itself: give it its sharpest timing
    timeoutMs: 10_000,
    maxInFlight: 2000,
    model: 'gpt-4.1-mini',
    maxTokens: 16,
    onRecord: (r: RequestRecord) => {
      if (r.outcome === 'dropped') return void dropped++;
      sent++;
      if (r.outcome === 'ok') ok++;
      firstSent = Math.min(firstSent, r.sentMs);
      lastSent = Math.max(lastSent, r.sentMs);
    },
  };
  const run: OpenModelRun =
    workers > 1 ? await runOpenModelInWorkers({ ...options, workers }) : await runOpenModel(options);
  // Achieved = sends per second over the span they actually took (one interval added for the last).
  const achieved = sent / ((lastSent - firstSent + 1000 / rate) / 1000);
  const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
  return `| ${rate.toLocaleString('en-US')} | ${workers} | ${run.scheduled} | ${sent} | ${ok} | ${dropped} | ${Math.round(achieved).toLocaleString('en-US')} (${pct(achieved / rate)}) | ${run.scheduleLagP50Ms.toFixed(3)} ms | ${run.scheduleLagP99Ms.toFixed(3)} ms | ${run.scheduleLagMaxMs.toFixed(1)} ms | ${run.eventLoopDelayP99Ms.toFixed(1)} ms | ${run.lagWarning ? 'yes' : 'no'} |`;
}

async function main(): Promise<void> {
  log('bench: micro-benchmarks (tinybench)');
  const micro = await microBenchmarks();
  const { url, child } = await startTrivialServer();
  const rows: string[] = [];
  try {
    log('bench: warming up the generator and server');
    await scheduleAccuracy(url, 500);
    for (const rate of RATES) {
      log(`bench: open-model schedule at ${rate} req/s for ${SECONDS} s`);
      rows.push(await scheduleAccuracy(url, rate));
    }
    for (const rate of RATES.filter((r) => r >= 5000)) {
      log(`bench: open-model schedule at ${rate} req/s for ${SECONDS} s, ${WORKERS} generator threads`);
      rows.push(await scheduleAccuracy(url, rate, WORKERS));
    }
  } finally {
    child.kill();
  }
  process.stdout.write(
    [
      '',
      micro,
      '',
      `Open-model schedule accuracy, ${SECONDS} s per rate, trivial loopback server in its own process, maxInFlight 2000:`,
      '',
      '| Offered req/s | Threads | Scheduled | Sent | OK | Dropped | Achieved send rate | Lag p50 | Lag p99 | Lag max | Loop delay p99 | Lag warning |',
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
      ...rows,
      '',
      'Lag = when the generator sent (or dropped) an arrival - its intended start. Latencies stay CO-free either way.',
      '',
    ].join('\n'),
  );
}

await main();
