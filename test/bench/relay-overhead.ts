/**
 * `npm run bench:relay`: what does our relay cost? A zero-latency mock upstream, a bare
 * pass-through proxy and our relay run as separate processes; the open-model generator drives
 * them interleaved (rotating order, several rounds) so that machine noise hits all three alike,
 * then autocannon measures each one's closed-model max throughput. Ratios, not absolute times,
 * are the result: absolute numbers move between runs on a shared machine.
 */
import autocannon from 'autocannon';
import { fileURLToPath } from 'node:url';
import { runOpenModel } from '../../src/load/open-model.js';
import { createHistogram, recordMicros, summarize, type LatencyHistogram } from '../../src/metrics/histogram.js';
import { latencyMicros } from '../../src/metrics/record.js';
import { startService, type RunningService } from '../../src/scenario/services.js';

const RATE = Number(process.env.BENCH_RATE ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SEGMENT_MS = Number(process.env.BENCH_SEGMENT_MS ?? 3000);
const THROUGHPUT_SECONDS = Number(process.env.BENCH_THROUGHPUT_SECONDS ?? 4);
const BARE_PROXY = fileURLToPath(new URL('./bare-proxy.ts', import.meta.url));
const BODY = JSON.stringify({
  model: 'gpt-4.1-mini',
  max_tokens: 16,
  messages: [{ role: 'user', content: 'Say hi.' }],
});

type Name = 'direct' | 'bare proxy' | 'relay';

async function main(): Promise<void> {
  const services: RunningService[] = [];
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  try {
    log('bench: starting mock upstream (0 ms), bare proxy and relay as separate processes');
    const mock = await startService('mock', ['mock', '--name', 'upstream', '--latency-ms', '0', '--port', '0']);
    services.push(mock);
    const [bare, relay] = await Promise.all([
      startService('bare proxy', [mock.url], { entry: BARE_PROXY }),
      startService('relay', [
        'relay',
        '--config-json',
        JSON.stringify({ targets: [{ name: 'upstream', baseUrl: `${mock.url}/v1` }] }),
      ]),
    ]);
    services.push(bare, relay);
    const targets: Record<Name, string> = { direct: mock.url, 'bare proxy': bare.url, relay: relay.url };
    const names = Object.keys(targets) as Name[];

    log('bench: warming up');
    for (const name of names) await drive(targets[name], Math.min(RATE, 200), 1000, createHistogram());

    const histograms = Object.fromEntries(names.map((n) => [n, createHistogram()])) as Record<Name, LatencyHistogram>;
    for (let round = 0; round < ROUNDS; round++) {
      // Rotate the order so no target always runs first (or last) in a round.
      const order = names.map((_, i) => names[(i + round) % names.length]!);
      for (const name of order) {
        log(`bench: round ${round + 1}/${ROUNDS}: ${name} at ${RATE} req/s for ${SEGMENT_MS / 1000} s`);
        const failures = await drive(targets[name], RATE, SEGMENT_MS, histograms[name]);
        if (failures > 0) log(`bench:   ${failures} failed requests against ${name}`);
      }
    }

    const throughput = {} as Record<Name, number>;
    for (const name of names) {
      log(`bench: closed-model max throughput of ${name} (${THROUGHPUT_SECONDS} s, 64 connections)`);
      throughput[name] = await maxThroughput(targets[name]);
    }
    process.stdout.write(`\n${renderTable(histograms, throughput)}\n`);
  } finally {
    for (const service of services.reverse()) await service.stop();
  }
}

async function drive(baseUrl: string, rate: number, durationMs: number, histogram: LatencyHistogram): Promise<number> {
  let failures = 0;
  await runOpenModel({
    baseUrl,
    ratePerSecond: rate,
    durationMs,
    timeoutMs: 5000,
    maxInFlight: 2000,
    model: 'gpt-4.1-mini',
    maxTokens: 16,
    onRecord: (record) => {
      if (record.outcome === 'ok') recordMicros(histogram, latencyMicros(record));
      else failures++;
    },
  });
  return failures;
}

async function maxThroughput(baseUrl: string): Promise<number> {
  const result = await autocannon({
    url: `${baseUrl}/v1/chat/completions`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: BODY,
    connections: 64,
    duration: THROUGHPUT_SECONDS,
  });
  return result.requests.average;
}

function renderTable(histograms: Record<Name, LatencyHistogram>, throughput: Record<Name, number>): string {
  const direct = summarize(histograms.direct);
  const bare = summarize(histograms['bare proxy']);
  const ms = (us: number): string => `${(us / 1000).toFixed(2)} ms`;
  const rows = (Object.keys(histograms) as Name[]).map((name) => {
    const s = summarize(histograms[name]);
    const over50 = s.p50Us - direct.p50Us;
    const over99 = s.p99Us - direct.p99Us;
    const vsBare =
      name === 'direct'
        ? '—'
        : `${ratio(over50, bare.p50Us - direct.p50Us)} / ${ratio(over99, bare.p99Us - direct.p99Us)}`;
    return `| ${name} | ${s.count} | ${ms(s.p50Us)} | ${ms(s.p99Us)} | ${name === 'direct' ? '—' : ms(over50)} | ${name === 'direct' ? '—' : ms(over99)} | ${vsBare} | ${Math.round(throughput[name])} | ${ratio(throughput[name], throughput['bare proxy'])} |`;
  });
  return [
    `Open-model ${RATE} req/s, ${ROUNDS} interleaved rounds of ${SEGMENT_MS / 1000} s per target; zero-latency mock upstream; each in its own process.`,
    '',
    '| Target | Requests | p50 | p99 | Overhead p50 | Overhead p99 | Overhead vs bare (p50 / p99) | Max req/s (closed) | Throughput vs bare |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    'Overhead = latency - direct latency at the same percentile, from the interleaved runs above.',
  ].join('\n');
}

function ratio(value: number, base: number): string {
  return base > 0 ? `${(value / base).toFixed(2)}x` : 'n/a';
}

await main();
