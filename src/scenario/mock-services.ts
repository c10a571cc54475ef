/**
 * Starting a scenario's mock providers, each in its own process: a plain provider through
 * `relaybench mock` flags; one with a latency distribution (`ttft`, `per_token`) through a
 * one-provider `--config` file written to the run directory, as only that form takes distributions.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { ProviderSpec } from './provider-schema.js';
import type { DistributionMs } from './schema-units.js';
import { startService, type RunningService } from './services.js';

/** Starts the mock for `provider`; `runDir()` gives the directory for a config file when one is needed. */
export async function startMock(
  provider: ProviderSpec,
  seed: number,
  runDir: () => Promise<string>,
): Promise<RunningService> {
  const name = `mock ${provider.name}`;
  if (provider.ttft === undefined && provider.per_token === undefined) {
    const args = [
      'mock',
      '--name',
      provider.name,
      '--dialect',
      provider.dialect,
      '--model',
      provider.model,
      '--latency-ms',
      String(provider.latency),
      '--seed',
      String(seed),
      '--port',
      '0',
    ];
    if (provider.rpm !== undefined) args.push('--rpm', String(provider.rpm));
    if (provider.tpm !== undefined) args.push('--tpm', String(provider.tpm));
    return startService(name, args);
  }
  const file = join(await runDir(), `mock-${provider.name}.yaml`);
  const rateLimit = {
    ...(provider.rpm === undefined ? {} : { rpm: provider.rpm }),
    ...(provider.tpm === undefined ? {} : { tpm: provider.tpm }),
  };
  const config = {
    seed,
    providers: [
      {
        name: provider.name,
        dialect: provider.dialect,
        model: provider.model,
        latency: {
          ttft: provider.ttft ?? provider.latency,
          ...(provider.per_token === undefined ? {} : { per_token: provider.per_token }),
        } satisfies Record<string, DistributionMs>,
        ...(Object.keys(rateLimit).length > 0 ? { rate_limit: rateLimit } : {}),
      },
    ],
  };
  await writeFile(file, stringify(config));
  const service = await startService(name, ['mock', '--config', file]);
  // A group reports `name(dialect)=url ...`; this one has a single provider.
  const url = /(https?:\/\/\S+)$/.exec(service.url)?.[1] ?? service.url;
  return { ...service, url };
}
