// Figures as text: the one formatting of counts, shares, latencies and tables that the terminal
// progress, the Markdown reports and the benchmark tables share.
import type { LatencySummary } from './latency-histogram';

/** A number in ms with sensible precision, or "–". */
export function ms(x: number | null | undefined): string {
  if (x === null || x === undefined) return '–';
  return x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : x.toFixed(0);
}

/** A 0–1 share as a percentage, or "–". */
export function percent(x: number | null | undefined, digits = 1): string {
  return x === null || x === undefined ? '–' : `${(x * 100).toFixed(digits)} %`;
}

/** An integer with thousands separators. */
export function count(x: number): string {
  return Math.round(x).toLocaleString('en-US');
}

/** Column names of {@link latencyRow}. */
export function latencyColumns(l: LatencySummary): string[] {
  return ['verdicts', 'p50', 'p95', 'p99', 'p99.9', 'max', `within ${l.budgetMs} ms`];
}

/** A latency summary as table cells: count, percentiles and max in ms, share within budget. */
export function latencyRow(l: LatencySummary): string[] {
  return [
    count(l.count),
    ms(l.p50Ms),
    ms(l.p95Ms),
    ms(l.p99Ms),
    ms(l.p999Ms),
    ms(l.maxMs),
    percent(l.withinBudgetShare, 3),
  ];
}

/** A Markdown table. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
