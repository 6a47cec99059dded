import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { barChartSvg, lineChartSvg, svgToPng } from '@fraudstream/charts';
import type { ExperimentSummary, FoldMetrics } from './experiment';
import { REFERENCE_RESULTS } from './reference';

/** What a report is about. */
export interface ReportContext {
  title: string;
  command: string;
  dataSource: string;
  dataSha256: string;
  feedbackDelayDays: number;
  modelVersion?: string;
}

const f3 = (v: number): string => (Number.isFinite(v) ? v.toFixed(3) : 'n/a');
const pm = (m: number, s: number): string => `${f3(m)} ± ${f3(s)}`;

/** The results table beside the reference one, as Markdown lines. */
export function resultsTableMarkdown(summary: ExperimentSummary, label: string): string[] {
  const lines = [
    '| model | AUC ROC | average precision | card precision@100 |',
    '| --- | --- | --- | --- |',
  ];
  for (const r of REFERENCE_RESULTS) {
    lines.push(
      `| ${r.model} (book) | ${pm(...r.auc_roc)} | ${pm(...r.average_precision)} | ${pm(...r.card_precision_at_100)} |`,
    );
  }
  const s = summary.std;
  lines.push(
    `| **${label}** | **${pm(summary.auc_roc, s.auc_roc)}** | **${pm(summary.average_precision, s.average_precision)}** | **${pm(summary.card_precision_at_100, s.card_precision_at_100)}** |`,
  );
  return lines;
}

/** Writes report.md, pr-curve.png and recall-by-scenario.png into `dir`; returns the .md path. */
export async function writeEvaluationReport(
  dir: string,
  ctx: ReportContext,
  folds: readonly FoldMetrics[],
  summary: ExperimentSummary,
): Promise<string> {
  await mkdir(dir, { recursive: true });
  const pr = lineChartSvg({
    title: `Precision–recall on the test periods (delay ${ctx.feedbackDelayDays} d)`,
    xLabel: 'recall',
    yLabel: 'precision',
    xRange: [0, 1],
    yRange: [0, 1],
    series: folds.map((f) => ({
      label: `fold ${f.fold} (test from ${f.testStart})`,
      x: f.curve.recall,
      y: f.curve.precision,
    })),
    hLines: [{ y: 0.5, label: 'precision 0.50' }],
    vLines: [{ x: 0.8, label: 'recall 0.80' }],
  });
  await writeFile(path.join(dir, 'pr-curve.png'), svgToPng(pr));
  const bars = barChartSvg({
    title: 'Recall per fraud scenario (all folds pooled)',
    yLabel: 'recall',
    yRange: [0, 1],
    categories: ['1: amount > 220', '2: compromised terminal', '3: leaked card'],
    series: [
      {
        label: 'at DECLINE',
        values: (['1', '2', '3'] as const).map((k) => summary.recall_by_scenario_decline[k]),
      },
      {
        label: 'at REVIEW or above',
        values: (['1', '2', '3'] as const).map((k) => summary.recall_by_scenario_review[k]),
      },
    ],
  });
  await writeFile(path.join(dir, 'recall-by-scenario.png'), svgToPng(bars));
  const md = [
    `# ${ctx.title}`,
    '',
    `- Command: \`${ctx.command}\``,
    `- Data: ${ctx.dataSource} (sha256 \`${ctx.dataSha256}\`)`,
    `- Feedback delay: ${ctx.feedbackDelayDays} days (terminal features, train/test gap, known-compromised cards)`,
    ...(ctx.modelVersion === undefined ? [] : [`- Model: ${ctx.modelVersion}`]),
    '',
    '## Results beside the reference table',
    '',
    ...resultsTableMarkdown(summary, 'fraudstream MLP'),
    '',
    '## Operating point',
    '',
    '| figure | mean ± std over folds |',
    '| --- | --- |',
    `| best precision at recall ≥ 0.80 | ${pm(summary.precision_at_recall_80, summary.std.precision_at_recall_80)} |`,
    `| best recall at precision ≥ 0.50 | ${pm(summary.recall_at_precision_50, summary.std.recall_at_precision_50)} |`,
    `| precision at DECLINE (threshold from validation) | ${pm(summary.decline_precision.mean, summary.decline_precision.std)} |`,
    `| recall at DECLINE | ${pm(summary.decline_recall.mean, summary.decline_recall.std)} |`,
    `| precision at REVIEW or above | ${pm(summary.review_precision.mean, summary.review_precision.std)} |`,
    `| recall at REVIEW or above | ${pm(summary.review_recall.mean, summary.review_recall.std)} |`,
    '',
    '## Per fold',
    '',
    '| fold | training from | test from | test rows | frauds | AUC | AP | CP@100 | P@R≥0.8 | R@P≥0.5 | review / decline thresholds |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...folds.map(
      (f) =>
        `| ${f.fold} | ${f.trainStart} | ${f.testStart} | ${f.testRows} | ${f.testFrauds} | ${f3(f.auc_roc)} | ${f3(f.average_precision)} | ${f3(f.card_precision_at_100)} | ${f3(f.precision_at_recall_80)} | ${f3(f.recall_at_precision_50)} | ${f.thresholds.review.toFixed(4)} / ${f.thresholds.decline.toFixed(4)} |`,
    ),
    '',
    '## Recall per fraud scenario (pooled over folds)',
    '',
    '| scenario | frauds | recall at DECLINE | recall at REVIEW or above |',
    '| --- | --- | --- | --- |',
    ...(['1', '2', '3'] as const).map(
      (k) =>
        `| ${k} | ${folds.reduce((a, f) => a + f.scenarios[k].frauds, 0)} | ${f3(summary.recall_by_scenario_decline[k])} | ${f3(summary.recall_by_scenario_review[k])} |`,
    ),
    '',
    '![precision–recall curve](pr-curve.png)',
    '',
    '![recall per scenario](recall-by-scenario.png)',
    '',
  ].join('\n');
  const file = path.join(dir, 'report.md');
  await writeFile(file, md);
  return file;
}
