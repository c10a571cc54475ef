/**
 * How load-only shards find the coordinator's target: the coordinator writes `target.json` into
 * its --out directory once the target is up, and a shard with the same --out (a shared volume, or
 * one machine) waits for it. The file names the start instant and the scenario hash it is for,
 * so one left from an earlier run in the same directory is never used. A shard that cannot share
 * a directory is given the target's address with `--target-url` instead.
 *
 * The file holds the headers the load sends (an external target's filled-in `headers`, e.g. its
 * key): it is written readable by its owner only, like any credential file.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TargetReach } from '../fixture/fixture.js';
import { RunInterruptedError } from '../../errors.js';

export const TARGET_FILE = 'target.json';
const POLL_MS = 100;

/** What a load-only shard needs to reach the target. */
export interface SharedTarget extends TargetReach {
  startAtEpochMs: number;
  scenarioHash: string;
  headers?: Readonly<Record<string, string>> | undefined;
}

/** Written atomically (rename), so a waiting shard never reads half a file. */
export async function writeTargetFile(dir: string, target: SharedTarget): Promise<string> {
  const file = join(dir, TARGET_FILE);
  await writeFile(`${file}.tmp`, `${JSON.stringify(target, null, 2)}\n`, { mode: 0o600 });
  await rename(`${file}.tmp`, file);
  return file;
}

/**
 * Polls `dir/target.json` until it is there for this start and scenario.
 * @throws Error naming the file when it has not appeared by `deadlineEpochMs`.
 */
export async function waitForTargetFile(
  dir: string,
  expect: Pick<SharedTarget, 'startAtEpochMs' | 'scenarioHash'>,
  deadlineEpochMs: number,
  signal?: AbortSignal,
): Promise<SharedTarget> {
  const file = join(dir, TARGET_FILE);
  for (;;) {
    const found = await readTarget(file);
    if (found?.startAtEpochMs === expect.startAtEpochMs && found.scenarioHash === expect.scenarioHash) return found;
    if (signal?.aborted) throw new RunInterruptedError('SIGINT');
    if (Date.now() > deadlineEpochMs)
      throw new Error(
        `no target address from the coordinator in ${file} for this --start-at and scenario ` +
          `(is the coordinator running with the same --out, or pass --target-url)`,
      );
    await sleep(POLL_MS);
  }
}

async function readTarget(file: string): Promise<SharedTarget | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as SharedTarget;
  } catch {
    return undefined; // not there yet
  }
}
