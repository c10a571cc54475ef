/** `list` (the scenario library with descriptions) and `report` (re-render a result.json). */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { RelaybenchError } from '../errors.js';
import { reportMarkdown } from '../report/report-markdown.js';
import { loadScenario } from '../scenario/schema/loader.js';
import { renderHtmlReport, writeRenderedReports } from './report-files.js';
import { readResultFile } from './result-file.js';

export async function listCommand(root: string): Promise<void> {
  const files = (await yamlFiles(root)).sort();
  for (const file of files) {
    try {
      const scenario = await loadScenario(file);
      const summary = scenario.description.trim().split(/\s+/).join(' ');
      process.stdout.write(
        `${relative('.', file)}\n  ${scenario.load.rate}/s for ${scenario.load.duration / 1000} s, ${scenario.faults.length} fault(s), ${scenario.gates.length} gate(s)${summary ? `\n  ${summary}` : ''}\n`,
      );
    } catch (error) {
      if (!(error instanceof RelaybenchError)) throw error;
      process.stdout.write(
        `${relative('.', file)}\n  INVALID: ${error.message.split('\n').slice(1).join('; ') || error.message}\n`,
      );
    }
  }
}

/** Prints the Markdown report of a result.json; with `html`, also writes its HTML report there. */
export async function reportCommand(file: string, options: { html?: string; out?: string } = {}): Promise<void> {
  const result = await readResultFile(file);
  if (options.out !== undefined) {
    const { files } = await writeRenderedReports(options.out, result);
    process.stdout.write(`wrote ${files.join(', ')}\n`);
    return;
  }
  process.stdout.write(`${reportMarkdown(result)}\n`);
  if (options.html !== undefined) {
    await mkdir(dirname(options.html), { recursive: true });
    await writeFile(options.html, await renderHtmlReport(result));
    process.stdout.write(`wrote ${options.html}\n`);
  }
}

async function yamlFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return yamlFiles(path);
      return Promise.resolve(/\.ya?ml$/.test(entry.name) ? [path] : []);
    }),
  );
  return nested.flat();
}
