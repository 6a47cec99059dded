import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FEATURE_NAMES } from '../features/definitions';
import { DEFAULT_FEATURE_OPTIONS } from '../features/options';
import { runExperiment } from '../evaluation/experiment';
import { prepareExperimentData } from '../evaluation/prepare';
import { CURRENT_FILE, loadModel, saveModelArtifact } from '../model/artifact';
import { writeEvaluationFixture } from '../evaluation/fixture';
import { compileTrainingOptions } from '../model/training-options';
import { weightsSha256 } from '../model/train';
import {
  commandHelp,
  optionalFlag,
  switchFlag,
  text,
  type CliCommand,
} from '@fraudstream/settings';
import { COMMON_FLAGS, parseCommonArgs } from './args';
import { runCli } from './run-cli';

/** The flags of `fraudstream train` besides the shared ones. */
const OWN_FLAGS = {
  out: optionalFlag(
    'out',
    text(/\S/, 'a directory'),
    'artifact directory (default ROOT/<version>)',
  ),
  artifacts: optionalFlag(
    'artifacts',
    text(/\S/, 'a directory'),
    'ROOT, where versions live (default ${FRAUDSTREAM_HOME:-.fraudstream}/models; the committed default model lives in models/artifacts)',
  ),
  version: optionalFlag(
    'version',
    text(/^[\w.-]+$/, 'a file name of [A-Za-z0-9_.-]'),
    'artifact version (default mlp-d<D>-<data sha256 8 hex>-<weights sha256 8 hex>)',
  ),
  setCurrent: switchFlag(
    'set-current',
    'also write DIR/../CURRENT naming this version (the default model)',
  ),
  fixture: optionalFlag(
    'fixture',
    text(/\S/, 'a file path'),
    "also write an evaluation fixture: 300 test rows and this model's scores",
  ),
};

/** Every flag of `fraudstream train`, declared once: parsing, `--help` and the docs. */
export const TRAIN_FLAGS = { ...COMMON_FLAGS, ...OWN_FLAGS };

const ABOUT = `Builds a model artifact from labelled history: runs the evaluation protocol (one model per
fold, thresholds from validation data) and saves the most recent fold's model as a versioned
artifact directory, with the protocol's figures as its acceptance metrics.`;

/** `fraudstream train`: trains per fold, saves the latest fold's model as an artifact. */
export const trainCommand: CliCommand = {
  name: 'train',
  summary: 'Train the fraud model on simulated data or --data FILE.csv and save an artifact',
  run: (argv: string[]): Promise<number> =>
    runCli(async (log) => {
      const { common, values } = parseCommonArgs(argv, OWN_FLAGS);
      if (common.help) {
        console.log(commandHelp('fraudstream train [options]', ABOUT, TRAIN_FLAGS));
        return 0;
      }
      const started = Date.now();
      const { dataset, protocol } = await prepareExperimentData(
        common.source,
        common.protocol,
        common.trainStartDefaulted,
      );
      log(`data: ${dataset.source}, ${dataset.table.rows} rows kept, sha256 ${dataset.sha256}`);
      const recipe = compileTrainingOptions(common.training);
      const result = runExperiment(dataset.table, {
        protocol,
        training: recipe,
        keepLatestModel: true,
        onProgress: common.quiet ? undefined : log,
      });
      const latest = result.latest;
      if (latest === undefined) throw new Error('no model was trained');
      const delay = protocol.feedbackDelayDays;
      // The version names the data and the weights: a new recipe on the same data is a new version.
      const version =
        values.version ??
        `mlp-d${String(delay).replace('.', 'p')}-${dataset.sha256.slice(0, 8)}-${weightsSha256(latest.model).slice(0, 8)}`;
      const home = process.env.FRAUDSTREAM_HOME ?? path.resolve('.fraudstream');
      const root = values.artifacts ?? path.join(home, 'models');
      const dir = values.out ?? path.join(root, version);
      const trainEnd = latest.fold.trainStartMs + protocol.trainDays * 86_400_000;
      const manifest = await saveModelArtifact(dir, latest.model, {
        version,
        features: [...FEATURE_NAMES],
        normalisation: latest.normalisation,
        thresholds: latest.thresholds,
        featureOptions: { ...DEFAULT_FEATURE_OPTIONS, feedbackDelayDays: delay },
        training: {
          recipe,
          trainStart: new Date(latest.fold.trainStartMs).toISOString(),
          trainEnd: new Date(trainEnd).toISOString(),
          rows: latest.fold.fit.length,
          frauds: latest.fitFrauds,
          validationRows: latest.fold.validation.length,
        },
        data: { sha256: dataset.sha256, source: dataset.source },
        metrics: {
          ...result.summary,
          protocol: {
            ...protocol,
            lastTrainStart: new Date(protocol.lastTrainStartMs).toISOString().slice(0, 10),
          },
          latest_fold: result.folds[0],
        },
      });
      latest.model.dispose();
      if (values.fixture !== undefined) {
        const scorer = await loadModel(dir);
        try {
          const fixture = await writeEvaluationFixture(
            values.fixture,
            scorer,
            dataset.table,
            latest.fold.test,
          );
          log(
            `fixture: ${fixture.rows.length} rows scored by ${scorer.version} in ${values.fixture}`,
          );
        } finally {
          scorer.dispose();
        }
      }
      if (values.setCurrent) {
        await writeFile(path.join(path.dirname(path.resolve(dir)), CURRENT_FILE), `${version}\n`);
      }
      const s = result.summary;
      if (common.json) {
        console.log(
          JSON.stringify({
            version,
            dir,
            ...s,
            seconds: (Date.now() - started) / 1000,
            folds: result.folds.map(({ curve: _curve, ...rest }) => rest),
          }),
        );
      } else {
        console.log(`saved ${manifest.version} to ${dir}`);
        console.log(
          `protocol (${result.folds.length} folds, delay ${delay} d): AUC ${s.auc_roc.toFixed(3)}  AP ${s.average_precision.toFixed(3)}  ` +
            `CP@100 ${s.card_precision_at_100.toFixed(3)}  P@R≥0.8 ${s.precision_at_recall_80.toFixed(3)}  R@P≥0.5 ${s.recall_at_precision_50.toFixed(3)}`,
        );
        console.log(
          `at the thresholds chosen on validation, mean (worst fold): DECLINE precision ${s.decline_precision.mean.toFixed(3)} (${s.decline_precision.min.toFixed(3)}) ` +
            `recall ${s.decline_recall.mean.toFixed(3)} (${s.decline_recall.min.toFixed(3)})`,
        );
        console.log(
          `thresholds: review ${latest.thresholds.review.toFixed(4)}, decline ${latest.thresholds.decline.toFixed(4)}; ${((Date.now() - started) / 1000).toFixed(0)} s`,
        );
      }
      return 0;
    }),
};
