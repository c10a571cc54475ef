/** Reading a result.json back (report, compare, run --baseline): any problem is invalid input (104). */
import { readFile } from 'node:fs/promises';
import { ConfigInvalidError } from '../errors.js';
import { RESULT_FORMAT, type RunResult } from '../scenario/result/result.js';

export async function readResultFile(file: string, what = 'result.json'): Promise<RunResult> {
  let result: RunResult;
  try {
    result = JSON.parse(await readFile(file, 'utf8')) as RunResult;
  } catch (error) {
    throw new ConfigInvalidError(`${file}: not a readable ${what}: ${(error as Error).message}`, { cause: error });
  }
  if (result?.format !== RESULT_FORMAT)
    throw new ConfigInvalidError(`${file}: format ${JSON.stringify(result?.format)}, expected ${RESULT_FORMAT}`);
  return result;
}
