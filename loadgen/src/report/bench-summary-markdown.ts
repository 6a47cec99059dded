// The Markdown page of a benchmark: headline figures, the targets and by how much they were
// missed, what limited them, then one section per load run.
import type { BenchResult } from '../bench/bench-result';
import { renderCpuProfileSection } from './cpu-profile-markdown';
import type { SectionOptions } from './load-summary-markdown';
import { table } from '../measure/format';
import { machineLine, renderLoadSections } from './load-summary-markdown';

function figure(value: number | string | boolean | null): string {
  if (value === null) return '–';
  if (typeof value === 'number')
    return Number.isInteger(value)
      ? value.toLocaleString('en-US')
      : value.toFixed(4).replace(/\.?0+$/, '');
  return String(value);
}

/** The benchmark's page (summary.md); `plots` lists each run's PNG files by run slug. */
export function renderBenchSummary(
  result: BenchResult,
  plots: ReadonlyMap<string, SectionOptions['plots']>,
): string {
  const missed = result.targets.filter((t) => !t.met);
  const verdict =
    result.targets.length === 0
      ? 'figures'
      : missed.length === 0
        ? 'targets met'
        : `${missed.length} of ${result.targets.length} targets missed`;
  const out: string[] = [];
  out.push(
    `# Benchmark \`${result.scenario}\`${result.figures.smoke ? ' (smoke run: figures are not meaningful)' : ''} — ${verdict}`,
  );
  out.push(`${result.startedAt} → ${result.finishedAt}. Machine: ${machineLine(result.machine)}.`);
  out.push(
    `## Figures\n\n${table(
      ['figure', 'value'],
      Object.entries(result.figures).map(([k, v]) => [k, figure(v)]),
    )}`,
  );
  for (const t of result.tables ?? []) {
    const notes = t.notes.length === 0 ? '' : `\n\n${t.notes.map((n) => `- ${n}`).join('\n')}`;
    out.push(`## ${t.title}\n\n${table(t.columns, t.rows)}${notes}`);
  }
  if (result.targets.length > 0) {
    out.push(
      `## Targets\n\n${table(
        ['target', 'required', 'measured', 'met', 'missed by'],
        result.targets.map((t) => [
          t.name,
          t.target,
          t.measured,
          t.met ? 'yes' : 'no',
          t.missedBy ?? '',
        ]),
      )}`,
    );
  }
  if (result.limits.length > 0)
    out.push(`## What limits it\n\n${result.limits.map((l) => `- ${l}`).join('\n')}`);
  const profile = renderCpuProfileSection(result.runs);
  if (profile !== undefined) out.push(profile);
  out.push(`## Parameters\n\n\`\`\`json\n${JSON.stringify(result.parameters, null, 2)}\n\`\`\``);
  for (const run of result.runs) {
    out.push(
      `## Run: ${run.label}\n\n${renderLoadSections(run.report, { level: 3, plots: plots.get(run.slug) ?? [] })}`,
    );
  }
  return `${out.join('\n\n')}\n`;
}
