/**
 * Bringing up what the load calls, by target kind: our relay (`builtin`) in its own process; the
 * first chain provider's proxy (`direct`); an already-running gateway (`external` + `url`); or a
 * gateway started from a command with its config template filled in (`external` + `command`).
 * Returns the base URL the client posts `/v1/chat/completions` to, and an external target's
 * `headers` with their placeholders filled in (once, here: the load only copies them).
 */
import { writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { freePort, startCommand } from './external-command.js';
import { relayConfigFor } from './relay-config.js';
import type { Scenario } from './schema.js';
import { startService, type RunningService } from './services.js';
import { fillTemplate, type TemplateContext } from './template.js';

export interface TargetSetup {
  scenario: Scenario;
  /** host:port of each provider's fault-plane proxy. */
  proxyOf(provider: string): string;
  runDir(): Promise<string>;
  /** Every process started is handed here at once, so cleanup can stop it whatever happens next. */
  track(service: RunningService): void;
  signal?: AbortSignal | undefined;
}

export interface StartedTarget {
  /** Where the client posts `/v1/chat/completions`. */
  url: string;
  /** Sent with every request (an external target's `headers`, filled in). */
  headers?: Readonly<Record<string, string>>;
}

/** The providers a target can reach: a direct target calls only the first of its chain. */
export function calledProviders(scenario: Pick<Scenario, 'target'>): string[] {
  const chain = scenario.target.chain;
  return scenario.target.kind === 'direct' ? chain.slice(0, 1) : chain;
}

export async function startTarget(setup: TargetSetup): Promise<StartedTarget> {
  const { scenario } = setup;
  const target = scenario.target;
  switch (target.kind) {
    case 'builtin': {
      const config = relayConfigFor(scenario, (provider) => setup.proxyOf(provider));
      const relay = await startService('relay', ['relay', '--config-json', JSON.stringify(config)]);
      setup.track(relay);
      return { url: relay.url };
    }
    case 'direct':
      return { url: `http://${setup.proxyOf(calledProviders(scenario)[0]!)}` };
    case 'external': {
      if (target.command === undefined) {
        const url = trimSlash(target.url!);
        if (target.headers === undefined) return { url };
        return { url, headers: fillHeaders(target.headers, templateContext(setup, 0, await setup.runDir())) };
      }
      const runDir = await setup.runDir();
      const ctx = templateContext(setup, await freePort(), runDir);
      if (scenario.configTemplate !== undefined) {
        const file = join(runDir, basename(scenario.configTemplate.file).replace(/\.(tmpl|template)$/, ''));
        await writeFile(file, fillTemplate(scenario.configTemplate.text, ctx));
        ctx.config = file;
      }
      const fill = (text: string): string => fillTemplate(text, ctx);
      const url = trimSlash(fill(target.url ?? 'http://127.0.0.1:{{port}}'));
      const command = typeof target.command === 'string' ? fill(target.command) : target.command.map(fill);
      const service = await startCommand({
        command,
        cwd: dirname(resolve(scenario.file)),
        env: Object.fromEntries(Object.entries(target.env ?? {}).map(([k, v]) => [k, fill(v)])),
        url,
        readyUrl: fill(target.ready_url ?? url),
        readyTimeoutMs: target.ready_timeout,
        runDir,
        signal: setup.signal,
      });
      setup.track(service);
      return target.headers === undefined ? { url } : { url, headers: fillHeaders(target.headers, ctx) };
    }
    default: {
      const never: never = target.kind;
      throw new Error(`unknown target kind ${String(never)}`);
    }
  }
}

function templateContext(setup: TargetSetup, port: number, runDir: string): TemplateContext {
  const { scenario } = setup;
  return {
    port,
    config: undefined,
    run_dir: runDir,
    model: scenario.load.model,
    providers: scenario.providers,
    chain: scenario.target.chain,
    addressOf: (provider) => {
      const listen = setup.proxyOf(provider);
      const colon = listen.lastIndexOf(':');
      return { host: listen.slice(0, colon), port: Number(listen.slice(colon + 1)) };
    },
  };
}

function fillHeaders(
  headers: Readonly<Record<string, string>>,
  ctx: TemplateContext,
): Readonly<Record<string, string>> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, fillTemplate(value, ctx)]));
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
