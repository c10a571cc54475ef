/** Writing a run's files: result.json, report.md and report.html (`run`, and `report` re-rendering one). */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { reportMarkdown } from '../report/report-markdown.js';
import type { RunResult } from '../scenario/result/result.js';

/** Writes the files into `dir` and returns the Markdown (the CLI prints it) and the paths written. */
export async function writeReportFiles(dir: string, result: RunResult): Promise<{ markdown: string; files: string[] }> {
  await mkdir(dir, { recursive: true });
  const json = join(dir, 'result.json');
  await writeFile(json, `${JSON.stringify(result, null, 2)}\n`);
  const rendered = await writeRenderedReports(dir, result);
  return { markdown: rendered.markdown, files: [json, ...rendered.files] };
}

/** report.md and report.html of a result into `dir` (`report --out` renders a result again with this version's report). */
export async function writeRenderedReports(
  dir: string,
  result: RunResult,
): Promise<{ markdown: string; files: string[] }> {
  await mkdir(dir, { recursive: true });
  const markdown = reportMarkdown(result);
  const files = [join(dir, 'report.md'), join(dir, 'report.html')];
  await writeFile(files[0]!, `${markdown}\n`);
  await writeFile(files[1]!, await renderHtmlReport(result));
  return { markdown, files };
}

/**
 * The HTML report, its renderer (vega, vega-lite) loaded only when a report is written: every
 * process the CLI starts (mocks, relay, fault plane) would otherwise pay for loading it.
 */
export async function renderHtmlReport(result: RunResult): Promise<string> {
  const { renderHtml } = await import('../report/html/html-report.js');
  return renderHtml(result);
}
