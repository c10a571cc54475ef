/**
 * relaybench command line. The only module that prints or exits; exit codes:
 * 0 all gates pass, 99 a gate failed, 104 invalid scenario/config/arguments, 1 harness error,
 * 130 interrupted.
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { EXIT, exitCodeFor, RelaybenchError } from '../errors.js';
import { cleanupOptions } from './cleanup-command.js';
import { scorecardOptions } from './scorecard-options.js';

// Each command loads its modules when it runs (`await import` in its handler): every mock and
// relay a run starts is a child running this file, and loading all of relaybench in each took
// ~2 s per child on this machine.

async function main(argv: string[]): Promise<number | undefined> {
  let exitCode: number | undefined;
  await yargs(argv)
    .scriptName('relaybench')
    .usage('$0 <command> [options]')
    .command(
      'run <scenario..>',
      'Run scenario files: start mocks, fault plane and relay, drive load, apply faults, report and gate',
      (y) =>
        y
          .positional('scenario', {
            type: 'string',
            array: true,
            demandOption: true,
            describe: 'scenario YAML file(s)',
          })
          .option('out', {
            type: 'string',
            describe:
              'directory for result.json, report.md and report.html (default reports/runs/<name>-<time>); with several scenarios, one folder each in it',
          })
          .option('seed', { type: 'number', describe: "override the scenario's seed (arrivals, toxicity, jitter)" })
          .option('duration-scale', {
            type: 'number',
            describe: 'scale load duration, warmup and fault times (0.5 = half as long)',
          })
          .option('junit', { type: 'string', describe: 'write JUnit XML here: one testcase per gate' })
          .option('baseline', {
            type: 'string',
            describe: 'a result.json to gate against: p99 latency and success-rate regression gates',
          })
          .option('baseline-tolerance', {
            type: 'string',
            describe: 'allowed p99 regression against --baseline (default 10%)',
          })
          .option('prices', {
            type: 'string',
            array: true,
            describe:
              "price books to price the traffic in, side by side: names in fixtures/prices/ or files (default: the scenario's report.price_books, else list-2026 relay-2026)",
          })
          .option('fault-plane', {
            type: 'string',
            describe:
              'URL of a Toxiproxy-compatible fault plane to use (default: TOXIPROXY_URL, else the embedded one)',
          })
          .option('allow-remote', {
            type: 'boolean',
            describe:
              'allow traffic to hosts beyond this machine (real APIs, a remote fault plane or relay); without it such a run exits 104 naming them',
          })
          .option('shard', {
            type: 'string',
            describe:
              'I/N: run as shard I of N of one seeded schedule (every N-th arrival), writing shard-I-of-N.json.gz into --out for `merge`',
          })
          .option('start-at', {
            type: 'string',
            describe: 'with --shard: the wall-clock instant every shard starts on (ISO time with zone, or epoch ms)',
          })
          .option('coordinator', {
            type: 'boolean',
            describe:
              'with --shard: this shard owns the target, mocks and fault timeline (default: shard 0; --no-coordinator to opt out)',
          })
          .option('target-url', {
            type: 'string',
            describe:
              "with --shard, not the coordinator: the target's base URL (default: the coordinator's target.json in the shared --out)",
          })
          .option('repeat', {
            type: 'number',
            describe:
              'run each scenario N times with the same seed (run-1..N/ in --out) and report each headline figure as the median with its confidence interval (repeat.md, repeat.json)',
          })
          .option('records', {
            type: 'string',
            describe:
              "write one gzip JSON line per scheduled request (times, outcome, provider, attempts, tokens, chosen headers) and the mocks' request logs: to FILE.jsonl.gz (mocks in FILE.mock-requests.jsonl.gz) or into a directory",
          })
          .example('$0 run scenarios/smoke.yaml', 'the smoke drill: a 2-provider chain, primary reset for 5 s')
          .example(
            '$0 run scenarios/gates/*.yaml --junit reports/junit.xml',
            'CI: one JUnit testcase per gate; exit 99 when one fails',
          )
          .example(
            '$0 run scenarios/smoke.yaml --baseline main/result.json --baseline-tolerance 15%',
            'fail on a p99 regression above 15% or a success-rate drop above 0.1 pp',
          )
          .example(
            '$0 run scenarios/smoke.yaml --seed 42 --duration-scale 0.25',
            'another seed, a quarter of the length (faults move with it)',
          )
          .example(
            '$0 run scenarios/compare/chains.yaml --repeat 6 --out reports/chains',
            'six same-seed runs: medians with 95% intervals in reports/chains/repeat.md',
          )
          .example(
            '$0 run scenarios/smoke.yaml --records reports/smoke-records',
            'records.jsonl.gz and mock-requests.jsonl.gz in reports/smoke-records/',
          )
          .example(
            'TOXIPROXY_URL=http://127.0.0.1:8474 $0 run scenarios/smoke.yaml',
            'use a real Toxiproxy as the fault plane',
          ),
      async (args) => {
        const { runCommand } = await import('./run-command.js');
        exitCode = await runCommand({
          scenarios: args.scenario as string[],
          out: args.out,
          seed: args.seed,
          durationScale: args.durationScale,
          junit: args.junit,
          baseline: args.baseline,
          baselineTolerance: args.baselineTolerance,
          prices: args.prices as string[] | undefined,
          faultPlane: args.faultPlane,
          allowRemote: args.allowRemote,
          repeat: args.repeat,
          records: args.records,
          shard: args.shard,
          startAt: args.startAt,
          coordinator: args.coordinator,
          targetUrl: args.targetUrl,
        });
      },
    )
    .command(
      'merge <shards..>',
      'Merge the shard results of a sharded run (run --shard) into one result and report, gated as one run',
      (y) =>
        y
          .positional('shards', {
            type: 'string',
            array: true,
            demandOption: true,
            describe: 'shard-I-of-N.json.gz files, or directories holding them (one level deep)',
          })
          .option('out', {
            type: 'string',
            demandOption: true,
            describe: 'directory for result.json, report.md, report.html',
          })
          .option('junit', { type: 'string', describe: 'write JUnit XML here: one testcase per gate' })
          .option('prices', { type: 'string', array: true, describe: 'price books, as for run' })
          .example('$0 merge results/ --out reports/merged --junit reports/junit.xml', 'exit 99 when a gate fails'),
      async (args) => {
        const { mergeCommand } = await import('./merge-command.js');
        exitCode = await mergeCommand({
          inputs: args.shards as string[],
          out: args.out,
          junit: args.junit,
          prices: args.prices as string[] | undefined,
        });
      },
    )
    .command(
      'validate <scenario..>',
      'Check scenario files without running them',
      (y) =>
        y
          .positional('scenario', { type: 'string', array: true, demandOption: true })
          .example('$0 validate scenarios/*.yaml', ''),
      async (args) => {
        const [{ loadScenario }, { remoteHosts }] = await Promise.all([
          import('../scenario/schema/loader.js'),
          import('../scenario/run/reach.js'),
        ]);
        for (const file of args.scenario as string[]) {
          const scenario = await loadScenario(file);
          const remote = remoteHosts(scenario, process.env.TOXIPROXY_URL || undefined);
          const reach = remote.length === 0 ? '' : `; reaches ${remote.join(', ')} (run it with --allow-remote)`;
          process.stdout.write(
            `${file}: ok (${scenario.name}: ${scenario.load.rate}/s for ${scenario.load.duration / 1000} s, ${scenario.faults.length} fault(s), ${scenario.gates.length} gate(s)${reach})\n`,
          );
        }
        exitCode = EXIT.ok;
      },
    )
    .command(
      'list [dir]',
      'List the scenario library with descriptions',
      (y) => y.positional('dir', { type: 'string', default: 'scenarios' }).example('$0 list', ''),
      async (args) => {
        const { listCommand } = await import('./inspect-commands.js');
        await listCommand(args.dir);
        exitCode = EXIT.ok;
      },
    )
    .command(
      'report <result>',
      'Print the Markdown report of a result.json again (--html: also write its HTML report)',
      (y) =>
        y
          .positional('result', { type: 'string', demandOption: true })
          .option('html', {
            type: 'string',
            describe: 'write the self-contained HTML report (charts inline) to this file',
          })
          .option('out', {
            type: 'string',
            describe: 'write report.md and report.html into this directory instead of printing',
          })
          .example('$0 report reports/runs/smoke-<time>/result.json', '')
          .example(
            '$0 report reports/runs/smoke-<time>/result.json --html smoke.html',
            'the HTML report again, e.g. after an upgrade',
          )
          .example(
            '$0 report reports/2026-11-22-compare/compare-chains/result.json --out reports/2026-11-22-compare/compare-chains',
            'both reports again, next to the result',
          ),
      async (args) => {
        const { reportCommand } = await import('./inspect-commands.js');
        await reportCommand(args.result, { html: args.html, out: args.out });
        exitCode = EXIT.ok;
      },
    )
    .command(
      'compare <a> <b>',
      'Compare two result.json files: headline metrics side by side with deltas; exit 99 when B regresses against A',
      (y) =>
        y
          .positional('a', { type: 'string', demandOption: true, describe: 'the reference result.json' })
          .positional('b', { type: 'string', demandOption: true, describe: 'the result.json to judge' })
          .option('tolerance', {
            type: 'string',
            describe: 'allowed p99 regression (default 10%); success rate may drop 0.1 pp',
          })
          .example('$0 compare reports/runs/main/result.json reports/runs/branch/result.json', '')
          .example('$0 compare a.json b.json --tolerance 20%', ''),
      async (args) => {
        const { compareCommand } = await import('./compare-command.js');
        exitCode = await compareCommand({ a: args.a, b: args.b, tolerance: args.tolerance });
      },
    )
    .command(
      'relay',
      'Serve the relay (OpenAI-compatible front door over a fallback chain)',
      (y) =>
        y
          .option('config', { type: 'string', describe: 'relay config file (YAML or JSON)' })
          .option('config-json', { type: 'string', describe: 'relay config as inline JSON' })
          .option('port', { type: 'number', describe: 'override the config port' })
          .example('$0 relay --config fixtures/relay.example.yaml', ''),
      async (args) => {
        const { serveRelay } = await import('./serve-commands.js');
        await serveRelay({ config: args.config, configJson: args.configJson, port: args.port });
      },
    )
    .command(
      'mock',
      'Serve mock LLM providers (OpenAI, Anthropic or Gemini dialect) with fault control under /_mock/',
      (y) =>
        y
          .option('config', {
            type: 'string',
            describe: 'serve every provider in this YAML file (other options ignored)',
          })
          .option('name', { type: 'string', default: 'mock' })
          .option('dialect', { choices: ['openai', 'anthropic', 'gemini'] as const, default: 'openai' as const })
          .option('host', { type: 'string', default: '127.0.0.1' })
          .option('port', { type: 'number', default: 0 })
          .option('model', { type: 'string', describe: "default: the dialect's (gpt-4.1-mini for openai)" })
          .option('latency-ms', { type: 'number', default: 20, describe: 'fixed time to first token' })
          .option('rpm', { type: 'number', describe: 'requests-per-minute limit (429 beyond it)' })
          .option('tpm', { type: 'number', describe: 'tokens-per-minute limit (429 beyond it)' })
          .option('seed', { type: 'number', default: 1 })
          .option('tls-cert', { type: 'string', describe: 'serve HTTPS with this PEM certificate (needs --tls-key)' })
          .option('tls-key', { type: 'string', describe: 'PEM private key of --tls-cert' })
          .example('$0 mock --port 9001 --latency-ms 200', '')
          .example('$0 mock --port 8443 --tls-cert cert.pem --tls-key key.pem', '')
          .example('$0 mock --dialect anthropic --rpm 60', '')
          .example('$0 mock --config providers.yaml', ''),
      async (args) =>
        (await import('./serve-commands.js')).serveMock({
          config: args.config,
          name: args.name,
          dialect: args.dialect,
          host: args.host,
          port: args.port,
          model: args.model,
          latencyMs: args.latencyMs,
          rpm: args.rpm,
          tpm: args.tpm,
          seed: args.seed,
          tlsCert: args.tlsCert,
          tlsKey: args.tlsKey,
        }),
    )
    .command(
      'toxiproxy',
      'Serve the embedded Toxiproxy-compatible fault plane',
      (y) =>
        y
          .option('host', { type: 'string', default: '127.0.0.1' })
          .option('port', { type: 'number', default: 8474 })
          .option('seed', { type: 'number', default: 1, describe: 'seed for toxicity and jitter draws' })
          .example('$0 toxiproxy --port 8474', ''),
      async (args) => {
        const { serveToxiproxy } = await import('./serve-commands.js');
        await serveToxiproxy({ host: args.host, port: args.port, seed: args.seed });
      },
    )
    .command('cleanup', 'Remove fault-plane proxies that crashed runs left behind', cleanupOptions, async (args) => {
      const { cleanupCommand } = await import('./cleanup-command.js');
      exitCode = await cleanupCommand({ faultPlane: args.faultPlane, olderThan: args.olderThan, dryRun: args.dryRun });
    })
    .command(
      'scorecard',
      'Judge a gateway on every provider failure mode (pass, safe, fail), with single requests and under load',
      scorecardOptions,
      async (args) => {
        const { scorecardCommand } = await import('./scorecard-command.js');
        exitCode = await scorecardCommand({
          target: args.target,
          underLoad: args.underLoad,
          modes: args.modes,
          out: args.out,
          faultPlane: args.faultPlane,
          allowRemote: args.allowRemote,
        });
      },
    )
    .demandCommand(
      1,
      'name a command: run, validate, list, report, compare, relay, mock, toxiproxy, cleanup or scorecard',
    )
    .strict()
    .help()
    .fail((message, error) => {
      if (error) throw error;
      throw new UsageError(message);
    })
    .parseAsync();
  return exitCode;
}

class UsageError extends Error {}

main(hideBin(process.argv)).then(
  (code) => {
    if (code !== undefined) process.exit(code);
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`relaybench: ${error.message}\nrun 'relaybench --help' for usage\n`);
      process.exit(EXIT.invalidInput);
    }
    const message =
      error instanceof RelaybenchError
        ? error.message
        : error instanceof Error
          ? (error.stack ?? error.message)
          : String(error);
    process.stderr.write(`relaybench: ${message}\n`);
    process.exit(exitCodeFor(error));
  },
);
