// Writes a report directory: report.json (everything measured, with parameters and machine),
// summary.md, and the PNG plots. Directory names sort by time: `<name>-<YYYYMMDD-HHMMSS>`.
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { BenchResult } from '../bench/bench-result';
import type { BacktestReport } from '../backtest/backtest-report';
import { renderBacktestSummary } from './backtest-summary-markdown';
import type { LoadReport } from '../load/load-report';
import { DataIoError } from '@fraudstream/simulator';
import { renderBenchSummary } from './bench-summary-markdown';
import type { SectionOptions } from './load-summary-markdown';
import { renderLoadSummary } from './load-summary-markdown';

/** One plot of a run, rendered. */
export interface RenderedPlot {
  /** File name stem, e.g. `latency-percentiles`. */
  readonly name: string;
  readonly title: string;
  readonly png: Buffer;
}

/** Draws a run's plots; injected so report writing works (and is tested) without a renderer. */
export type PlotRenderer = (report: LoadReport) => Promise<readonly RenderedPlot[]>;

/** `reports/<name>-20261130-021500` under `root`. */
export function reportDir(root: string, name: string, at: Date = new Date()): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return path.join(root, `${name}-${stamp}`);
}

async function write(file: string, data: string | Buffer): Promise<void> {
  try {
    await writeFile(file, data);
  } catch (error) {
    throw new DataIoError(file, error);
  }
}

async function writePlots(
  dir: string,
  prefix: string,
  report: LoadReport,
  render: PlotRenderer | undefined,
): Promise<{ plots: SectionOptions['plots']; files: string[] }> {
  if (render === undefined) return { plots: [], files: [] };
  const plots: { title: string; file: string }[] = [];
  const files: string[] = [];
  for (const plot of await render(report)) {
    const file = `${prefix}${plot.name}.png`;
    await write(path.join(dir, file), plot.png);
    plots.push({ title: plot.title, file });
    files.push(path.join(dir, file));
  }
  return { plots, files };
}

async function makeDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    throw new DataIoError(dir, error);
  }
}

/** Writes a load run's directory; resolves to the files written. */
export async function writeLoadReport(
  report: LoadReport,
  dir: string,
  render?: PlotRenderer,
): Promise<string[]> {
  await makeDir(dir);
  const { plots, files } = await writePlots(dir, '', report, render);
  const json = path.join(dir, 'report.json');
  const md = path.join(dir, 'summary.md');
  await write(json, `${JSON.stringify(report, null, 2)}\n`);
  await write(md, renderLoadSummary(report, plots));
  return [json, md, ...files];
}

/**
 * Writes a backtest's directory: the load run's files (report.json, summary.md, plots), and
 * backtest.json and backtest.md with the live and offline figures; resolves to the files.
 */
export async function writeBacktestReport(
  report: BacktestReport,
  dir: string,
  render?: PlotRenderer,
): Promise<string[]> {
  const files = await writeLoadReport(report.load, dir, render);
  const json = path.join(dir, 'backtest.json');
  const md = path.join(dir, 'backtest.md');
  // The load report is report.json already: backtest.json holds the rest.
  const rest = { ...report, load: undefined, runId: report.load.runId };
  await write(json, `${JSON.stringify(rest, null, 2)}\n`);
  await write(md, renderBacktestSummary(report));
  return [json, md, ...files];
}

/** Writes a benchmark's directory (each run's plots prefixed by its slug); resolves to the files. */
export async function writeBenchReport(
  result: BenchResult,
  dir: string,
  render?: PlotRenderer,
): Promise<string[]> {
  await makeDir(dir);
  const plotsByRun = new Map<string, SectionOptions['plots']>();
  const files: string[] = [];
  for (const run of result.runs) {
    const written = await writePlots(dir, `${run.slug}-`, run.report, render);
    plotsByRun.set(run.slug, written.plots);
    files.push(...written.files);
  }
  const json = path.join(dir, 'report.json');
  const md = path.join(dir, 'summary.md');
  await write(json, `${JSON.stringify(result, null, 2)}\n`);
  await write(md, renderBenchSummary(result, plotsByRun));
  return [json, md, ...files];
}
