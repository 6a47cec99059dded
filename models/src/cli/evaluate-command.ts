import path from 'node:path';
import { DEFAULT_SIMULATION_PARAMS } from '@fraudstream/simulator';
import { FEATURE_NAMES } from '../features/definitions';
import type { ExperimentSummary, FoldMetrics } from '../evaluation/experiment';
import { foldMetrics, runExperiment, summarise } from '../evaluation/experiment';
import type { OracleBoundSummary } from '../evaluation/oracle-bound';
import { oracleBoundForFolds } from '../evaluation/oracle-bound';
import { prepareExperimentData } from '../evaluation/prepare';
import { buildFolds } from '../evaluation/protocol';
import { REFERENCE_RESULTS, TARGETS } from '../evaluation/reference';
import { writeEvaluationReport } from '../evaluation/report';
import {
  UsageError,
  commandHelp,
  optionalFlag,
  text,
  type CliCommand,
} from '@fraudstream/settings';
import { EvaluationError } from '../errors';
import { loadModel } from '../model/artifact';
import { COMMON_FLAGS, parseCommonArgs } from './args';
import { runCli } from './run-cli';

/** The flags of `fraudstream evaluate` besides the shared ones. */
const OWN_FLAGS = {
  model: optionalFlag(
    'model',
    text(/\S/, 'a directory'),
    "evaluate this artifact instead of training per fold (beware folds that overlap the artifact's own training period)",
  ),
  out: optionalFlag(
    'out',
    text(/\S/, 'a directory'),
    'report directory (default ${FRAUDSTREAM_HOME:-.fraudstream}/reports/evaluate-d<D>)',
  ),
};

/** Every flag of `fraudstream evaluate`, declared once: parsing, `--help` and the docs. */
export const EVALUATE_FLAGS = { ...COMMON_FLAGS, ...OWN_FLAGS };

const ABOUT = `The book's evaluation protocol, beside its results table. Without --model: trains one model per
fold with the same recipe as \`train\` (as the book does), chooses thresholds on each fold's
validation cards, and reports the test periods. With --model DIR: scores the test periods with
that artifact and its thresholds.`;

const f3 = (v: number): string => (Number.isFinite(v) ? v.toFixed(3) : ' n/a ');

function printTable(
  summary: ExperimentSummary,
  folds: readonly FoldMetrics[],
  delay: number,
  oracle: OracleBoundSummary | undefined,
): void {
  const row = (name: string, a: string, b: string, c: string): string =>
    `${name.padEnd(28)} ${a.padEnd(15)} ${b.padEnd(19)} ${c}`;
  console.log(row('model', 'AUC ROC', 'average precision', 'card precision@100'));
  for (const r of REFERENCE_RESULTS) {
    console.log(
      row(
        `${r.model} (book)`,
        `${f3(r.auc_roc[0])} ± ${f3(r.auc_roc[1])}`,
        `${f3(r.average_precision[0])} ± ${f3(r.average_precision[1])}`,
        `${f3(r.card_precision_at_100[0])} ± ${f3(r.card_precision_at_100[1])}`,
      ),
    );
  }
  const s = summary.std;
  console.log(
    row(
      `fraudstream MLP (D=${delay} d)`,
      `${f3(summary.auc_roc)} ± ${f3(s.auc_roc)}`,
      `${f3(summary.average_precision)} ± ${f3(s.average_precision)}`,
      `${f3(summary.card_precision_at_100)} ± ${f3(s.card_precision_at_100)}`,
    ),
  );
  if (oracle !== undefined) {
    console.log(
      row(
        'oracle bound (upper limit)',
        f3(oracle.auc_roc),
        f3(oracle.average_precision),
        f3(oracle.card_precision_at_100),
      ),
    );
  }
  console.log(
    row(
      'targets (beat every row)',
      `≥ ${f3(TARGETS.auc_roc)}`,
      `≥ ${f3(TARGETS.average_precision)}`,
      `≥ ${f3(TARGETS.card_precision_at_100)}`,
    ),
  );
  console.log('');
  console.log('at the thresholds chosen on validation (what the workers use), per fold:');
  for (const f of folds) {
    console.log(
      `  fold ${f.fold} (test from ${f.testStart}): DECLINE ≥ ${f.thresholds.decline.toFixed(4)} precision ${f3(f.decline.precision)} recall ${f3(f.decline.recall)}; ` +
        `REVIEW ≥ ${f.thresholds.review.toFixed(4)} precision ${f3(f.review.precision)} recall ${f3(f.review.recall)}; ` +
        `best P@R≥0.8 ${f3(f.precision_at_recall_80)}, R@P≥0.5 ${f3(f.recall_at_precision_50)}`,
    );
  }
  const d = summary;
  console.log(
    `  mean (worst fold): DECLINE precision ${f3(d.decline_precision.mean)} (${f3(d.decline_precision.min)}) recall ${f3(d.decline_recall.mean)} (${f3(d.decline_recall.min)}); ` +
      `REVIEW or above precision ${f3(d.review_precision.mean)} (${f3(d.review_precision.min)}) recall ${f3(d.review_recall.mean)} (${f3(d.review_recall.min)})`,
  );
  console.log(
    `best points of the test curves: precision at recall ≥ 0.80 ${f3(summary.precision_at_recall_80)} ± ${f3(s.precision_at_recall_80)}, ` +
      `recall at precision ≥ 0.50 ${f3(summary.recall_at_precision_50)} ± ${f3(s.recall_at_precision_50)}`,
  );
  for (const k of ['1', '2', '3'] as const) {
    const frauds = folds.reduce((a, f) => a + f.scenarios[k].frauds, 0);
    console.log(
      `scenario ${k}: ${frauds} test frauds, recall ${f3(summary.recall_by_scenario_decline[k])} at DECLINE, ${f3(summary.recall_by_scenario_review[k])} at REVIEW or above`,
    );
  }
}

/** `fraudstream evaluate`: the protocol of docs/simulator.md, printed beside the reference table. */
export const evaluateCommand: CliCommand = {
  name: 'evaluate',
  summary: 'Evaluate the model with the book protocol (4 prequential folds) and write a report',
  run: (argv: string[]): Promise<number> =>
    runCli(async (log) => {
      const { common, values, given } = parseCommonArgs(argv, OWN_FLAGS);
      if (common.help) {
        console.log(commandHelp('fraudstream evaluate [options]', ABOUT, EVALUATE_FLAGS));
        return 0;
      }
      const started = Date.now();
      const modelDir = values.model;
      let protocolIn = common.protocol;
      const scorer = modelDir === undefined ? undefined : await loadModel(modelDir);
      if (scorer !== undefined) {
        const delay = scorer.manifest.featureOptions.feedbackDelayDays;
        if (given.has('feedbackDelayDays') && delay !== protocolIn.feedbackDelayDays) {
          throw new UsageError(
            `--feedback-delay-days ${protocolIn.feedbackDelayDays} differs from the model's ${delay}`,
          );
        }
        if (scorer.featureNames.join() !== FEATURE_NAMES.join()) {
          throw new EvaluationError(
            `model ${scorer.version} uses other features than this build computes`,
          );
        }
        protocolIn = { ...protocolIn, feedbackDelayDays: delay };
      }
      const { dataset, protocol } = await prepareExperimentData(
        common.source,
        protocolIn,
        common.trainStartDefaulted,
      );
      if (!common.quiet)
        log(`data: ${dataset.source}, ${dataset.table.rows} rows kept, sha256 ${dataset.sha256}`);
      let folds: FoldMetrics[];
      let summary: ExperimentSummary;
      if (scorer === undefined) {
        const result = runExperiment(dataset.table, {
          protocol,
          training: common.training,
          onProgress: common.quiet ? undefined : log,
        });
        folds = result.folds;
        summary = result.summary;
      } else {
        const cols = FEATURE_NAMES.length;
        folds = buildFolds(dataset.table, protocol).map((fold) => {
          const x = new Float32Array(fold.test.length * cols);
          fold.test.forEach((i, k) =>
            x.set(dataset.table.features.subarray(i * cols, (i + 1) * cols), k * cols),
          );
          return foldMetrics(dataset.table, fold, scorer.scoreBatch(x), scorer.thresholds);
        });
        summary = summarise(folds);
        scorer.dispose();
      }
      const delay = protocol.feedbackDelayDays;
      // The best any model could do on these test periods (oracle-bound.ts states how).
      const sim =
        common.source.kind === 'simulated'
          ? { ...DEFAULT_SIMULATION_PARAMS, ...common.source.params }
          : DEFAULT_SIMULATION_PARAMS;
      const oracle = oracleBoundForFolds(
        dataset.table,
        dataset.terminalTrace,
        buildFolds(dataset.table, protocol),
        {
          feedbackDelayDays: delay,
          terminalCompromiseDays: sim.terminalCompromiseDays,
          scenario1AmountThreshold: sim.scenario1AmountThreshold,
        },
      );
      const home = process.env.FRAUDSTREAM_HOME ?? path.resolve('.fraudstream');
      const outDir =
        values.out ?? path.join(home, 'reports', `evaluate-d${String(delay).replace('.', 'p')}`);
      const report = await writeEvaluationReport(
        outDir,
        {
          title: `fraudstream evaluate — feedback delay ${delay} days`,
          command: `fraudstream evaluate ${argv.join(' ')}`.trim(),
          dataSource: dataset.source,
          dataSha256: dataset.sha256,
          feedbackDelayDays: delay,
          modelVersion: scorer?.version,
        },
        folds,
        summary,
      );
      const seconds = (Date.now() - started) / 1000;
      if (common.json) {
        console.log(
          JSON.stringify({
            ...summary,
            feedback_delay_days: delay,
            model: scorer?.version ?? 'trained per fold',
            data_sha256: dataset.sha256,
            report,
            seconds,
            folds: folds.map(({ curve: _curve, ...rest }) => rest),
            oracle_bound: oracle ?? null,
          }),
        );
      } else {
        printTable(summary, folds, delay, oracle);
        console.log(`report: ${report} (${seconds.toFixed(0)} s)`);
      }
      return 0;
    }),
};
