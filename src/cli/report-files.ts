/** Writing a run's files: result.json and report.md (`run`, and `report --out` re-rendering one). */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { reportMarkdown } from '../report/report-markdown.js';
import type { RunResult } from '../report/result.js';

/** Writes the files into `dir` and returns the Markdown (the CLI prints it) and the paths written. */
export async function writeReportFiles(dir: string, result: RunResult): Promise<{ markdown: string; files: string[] }> {
  await mkdir(dir, { recursive: true });
  const markdown = reportMarkdown(result);
  const files = [join(dir, 'result.json'), join(dir, 'report.md')];
  await writeFile(files[0]!, `${JSON.stringify(result, null, 2)}\n`);
  await writeFile(files[1]!, `${markdown}\n`);
  return { markdown, files };
}
