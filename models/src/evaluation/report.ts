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

/**
 * Per fold, DECLINE and REVIEW-or-above precision and recall at the chosen thresholds beside the
 * test curve's best points, then the mean and the worst fold, as Markdown lines.
 */
export function operatingPointMarkdown(
  folds: readonly FoldMetrics[],
  summary: ExperimentSummary,
): string[] {
  const s = summary;
  return [
    '| fold | test from | DECLINE ≥ | DECLINE precision | DECLINE recall | REVIEW ≥ | REVIEW+ precision | REVIEW+ recall | best P at R ≥ 0.80 | best R at P ≥ 0.50 |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...folds.map(
      (f) =>
        `| ${f.fold} | ${f.testStart} | ${f.thresholds.decline.toFixed(4)} | ${f3(f.decline.precision)} | ${f3(f.decline.recall)} | ${f.thresholds.review.toFixed(4)} | ${f3(f.review.precision)} | ${f3(f.review.recall)} | ${f3(f.precision_at_recall_80)} | ${f3(f.recall_at_precision_50)} |`,
    ),
    `| mean ± std | | | ${pm(s.decline_precision.mean, s.decline_precision.std)} | ${pm(s.decline_recall.mean, s.decline_recall.std)} | | ${pm(s.review_precision.mean, s.review_precision.std)} | ${pm(s.review_recall.mean, s.review_recall.std)} | ${pm(s.precision_at_recall_80, s.std.precision_at_recall_80)} | ${pm(s.recall_at_precision_50, s.std.recall_at_precision_50)} |`,
    `| worst fold | | | ${f3(s.decline_precision.min)} | ${f3(s.decline_recall.min)} | | ${f3(s.review_precision.min)} | ${f3(s.review_recall.min)} | | |`,
  ];
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
    '## At the thresholds chosen on validation',
    '',
    "What the workers do: each fold's DECLINE and REVIEW thresholds come from its validation cards; the test period is scored at them. The best points of the test curve are beside them, as upper limits.",
    '',
    ...operatingPointMarkdown(folds, summary),
    '',
    '## Per fold',
    '',
    '| fold | training from | test from | test rows | frauds | AUC | AP | CP@100 |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...folds.map(
      (f) =>
        `| ${f.fold} | ${f.trainStart} | ${f.testStart} | ${f.testRows} | ${f.testFrauds} | ${f3(f.auc_roc)} | ${f3(f.average_precision)} | ${f3(f.card_precision_at_100)} |`,
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
