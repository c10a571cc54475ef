/**
 * Before a merge: are these shard files one sharded run, complete? Same scenario (hash) and seed,
 * the same N, every index 0..N-1 exactly once, one coordinator, and each shard's own accounting
 * and share (its records are exactly its arrivals, seq ≡ I mod N). Each refusal names the file.
 */
import { ConfigInvalidError } from '../../errors.js';
import { SHARD_FORMAT, type ShardResult } from './shard-result.js';

export interface ShardFile {
  file: string;
  /** The parsed file (decodeShardResult), not yet checked. */
  content: unknown;
}

/** @throws ConfigInvalidError (exit 104) naming the file at fault. */
export function checkShards(files: readonly ShardFile[]): ShardResult[] {
  if (files.length === 0) throw new ConfigInvalidError('merge: no shard result files (shard-I-of-N.json.gz) given');
  const shards = files.map(({ file, content }) => checkFormat(file, content));
  const [first] = shards;
  const fileOf = new Map<ShardResult, string>(shards.map((s, i) => [s, files[i]!.file]));
  const byIndex = new Map<number, string>();
  for (const shard of shards) {
    const file = fileOf.get(shard)!;
    const differ = (what: string, mine: unknown, theirs: unknown): ConfigInvalidError =>
      new ConfigInvalidError(
        `merge: ${file}: ${what} ${JSON.stringify(mine)} differs from ${JSON.stringify(theirs)} in ${files[0]!.file}`,
      );
    if (shard.scenarioHash !== first!.scenarioHash)
      throw differ('scenario hash', shard.scenarioHash, first!.scenarioHash);
    if (shard.seed !== first!.seed) throw differ('seed', shard.seed, first!.seed);
    if (shard.shard.count !== first!.shard.count) throw differ('shard count', shard.shard.count, first!.shard.count);
    if (shard.startAtEpochMs !== first!.startAtEpochMs) throw differ('--start-at', shard.startAt, first!.startAt);
    const { index, count } = shard.shard;
    const seen = byIndex.get(index);
    if (seen !== undefined)
      throw new ConfigInvalidError(`merge: ${file}: duplicate shard ${index}/${count} (also ${seen})`);
    byIndex.set(index, file);
    checkOwnRecords(file, shard);
  }
  const count = first!.shard.count;
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !byIndex.has(i));
  if (missing.length > 0)
    throw new ConfigInvalidError(
      `merge: shard ${missing.map((i) => `${i}/${count}`).join(', ')} missing (given: ${files.map((f) => f.file).join(', ')})`,
    );
  const coordinators = shards.filter((s) => s.coordinator !== undefined);
  if (coordinators.length !== 1)
    throw new ConfigInvalidError(
      `merge: expected exactly one coordinator shard, found ${coordinators.length}` +
        (coordinators.length > 0 ? ` (${coordinators.map((s) => fileOf.get(s)).join(', ')})` : ''),
    );
  return [...shards].sort((a, b) => a.shard.index - b.shard.index);
}

function checkFormat(file: string, content: unknown): ShardResult {
  const shard = content as Partial<ShardResult> | null;
  if (shard === null || typeof shard !== 'object' || shard.format !== SHARD_FORMAT)
    throw new ConfigInvalidError(
      `merge: ${file}: not a relaybench shard result (format ${JSON.stringify(shard?.format)}, expected ${SHARD_FORMAT})`,
    );
  if (!Array.isArray(shard.records) || typeof shard.shard?.index !== 'number')
    throw new ConfigInvalidError(`merge: ${file}: shard result without its records or shard index`);
  return shard as ShardResult;
}

/** scheduled = its records, each an arrival of its own share and none twice. */
function checkOwnRecords(file: string, shard: ShardResult): void {
  const { index, count } = shard.shard;
  if (shard.records.length !== shard.scheduled)
    throw new ConfigInvalidError(
      `merge: ${file}: ${shard.records.length} records for ${shard.scheduled} scheduled arrivals (accounting does not hold)`,
    );
  const stranger = shard.records.find((r) => r.seq % count !== index);
  if (stranger !== undefined)
    throw new ConfigInvalidError(`merge: ${file}: arrival ${stranger.seq} is not in shard ${index}/${count}'s share`);
}
