import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { LayersModel } from '@tensorflow/tfjs-node';
import { ModelArtifactError } from '../errors';
import {
  digestMismatches,
  fileDigests,
  GOLDEN_TOLERANCE,
  goldenMismatch,
  goldenRows,
} from './integrity';
import type { ModelManifest } from './manifest';
import { MANIFEST_FORMAT } from './manifest';
import { Scorer } from './scorer';
import type { Tf } from './tf';
import { loadTf } from './tf';

/** What TF.js hands a save handler (topology, weight specs and data). */
type ModelArtifacts = Parameters<Parameters<Tf['io']['withSaveHandler']>[0]>[0];

const TOPOLOGY_FILE = 'model.json';
const WEIGHTS_FILE = 'weights.bin';
const MANIFEST_FILE = 'manifest.json';
/** File in the artifacts root naming the default version. */
export const CURRENT_FILE = 'CURRENT';

/**
 * Writes a model artifact directory: model.json (TF.js layers format), weights.bin and
 * manifest.json with the files' checksums and golden scores. Contents depend only on the model
 * and manifest (no timestamps).
 */
export async function saveModelArtifact(
  dir: string,
  model: LayersModel,
  manifest: Omit<ModelManifest, 'files' | 'format' | 'integrity'>,
): Promise<ModelManifest> {
  const tf = loadTf();
  await mkdir(dir, { recursive: true });
  let saved: ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler((artifacts) => {
      saved = artifacts;
      return Promise.resolve({
        modelArtifactsInfo: { dateSaved: new Date(0), modelTopologyType: 'JSON' },
      });
    }),
  );
  if (saved?.weightData === undefined || saved.weightSpecs === undefined) {
    throw new ModelArtifactError(dir, 'TF.js returned no weights to save');
  }
  const weights = tf.io.concatenateArrayBuffers(
    Array.isArray(saved.weightData) ? saved.weightData : [saved.weightData],
  );
  const topology = {
    format: 'layers-model',
    generatedBy: saved.generatedBy,
    convertedBy: null,
    modelTopology: saved.modelTopology,
    weightsManifest: [{ paths: [WEIGHTS_FILE], weights: saved.weightSpecs }],
  };
  await writeFile(path.join(dir, TOPOLOGY_FILE), `${JSON.stringify(topology)}\n`);
  await writeFile(path.join(dir, WEIGHTS_FILE), Buffer.from(weights));
  const files = { topology: TOPOLOGY_FILE, weights: WEIGHTS_FILE };
  // The golden scores come from the same scoring path a loader checks them with.
  const scorer = new Scorer(tf, model, {
    format: MANIFEST_FORMAT,
    ...manifest,
    files,
  } as ModelManifest);
  const rows = goldenRows(manifest.normalisation);
  const full: ModelManifest = {
    format: MANIFEST_FORMAT,
    ...manifest,
    files,
    integrity: {
      sha256: await fileDigests(dir, [TOPOLOGY_FILE, WEIGHTS_FILE]),
      golden: { rows, scores: Array.from(scorer.scoreBatch(rows)), tolerance: GOLDEN_TOLERANCE },
    },
  };
  await writeFile(path.join(dir, MANIFEST_FILE), `${JSON.stringify(full, null, 2)}\n`);
  return full;
}

/** Reads and checks manifest.json of an artifact directory. */
export async function readManifest(dir: string): Promise<ModelManifest> {
  let text: string;
  try {
    text = await readFile(path.join(dir, MANIFEST_FILE), 'utf8');
  } catch (err) {
    throw new ModelArtifactError(dir, `cannot read ${MANIFEST_FILE}`, { cause: err });
  }
  let manifest: ModelManifest;
  try {
    manifest = JSON.parse(text) as ModelManifest;
  } catch (err) {
    throw new ModelArtifactError(dir, `${MANIFEST_FILE} is not JSON`, { cause: err });
  }
  if ((manifest.format as string) !== MANIFEST_FORMAT) {
    throw new ModelArtifactError(
      dir,
      `${MANIFEST_FILE}: format ${JSON.stringify(manifest.format)}, expected ${MANIFEST_FORMAT}`,
    );
  }
  const n = manifest.features?.length ?? 0;
  const norm = manifest.normalisation;
  if (n === 0 || norm?.mean?.length !== n || norm.std?.length !== n || norm.log1p?.length !== n) {
    throw new ModelArtifactError(
      dir,
      `${MANIFEST_FILE}: features and normalisation lengths differ`,
    );
  }
  const t = manifest.thresholds;
  if (!(typeof t?.review === 'number' && typeof t.decline === 'number' && t.review <= t.decline)) {
    throw new ModelArtifactError(dir, `${MANIFEST_FILE}: thresholds must satisfy review ≤ decline`);
  }
  const integrity = manifest.integrity as Partial<ModelManifest['integrity']> | undefined;
  const golden = integrity?.golden;
  if (
    typeof integrity?.sha256?.[manifest.files?.topology] !== 'string' ||
    typeof integrity.sha256[manifest.files.weights] !== 'string' ||
    !Array.isArray(golden?.rows) ||
    golden.rows.length === 0 ||
    golden.rows.some((r) => !Array.isArray(r) || r.length !== n) ||
    golden.scores?.length !== golden.rows.length ||
    typeof golden.tolerance !== 'number'
  ) {
    throw new ModelArtifactError(
      dir,
      `${MANIFEST_FILE}: the integrity section needs the sha256 of both files and golden rows of ${n} features with one score each`,
    );
  }
  return manifest;
}

/**
 * Loads a model artifact directory into a Scorer. Throws TfBackendError when the native
 * backend is missing, ModelArtifactError when the directory is incomplete or inconsistent.
 */
export async function loadModel(dir: string): Promise<Scorer> {
  const tf = loadTf();
  const manifest = await readManifest(dir);
  const { files, integrity } = manifest;
  let digests: Record<string, string>;
  try {
    digests = await fileDigests(dir, [files.topology, files.weights]);
  } catch (err) {
    throw new ModelArtifactError(dir, `cannot read the model files: ${String(err)}`, {
      cause: err,
    });
  }
  const mismatches = digestMismatches(integrity.sha256, digests);
  if (mismatches.length > 0) {
    // A file still being copied looks like this too: the loader may try again later.
    throw new ModelArtifactError(
      dir,
      `model files differ from the manifest: ${mismatches.join('; ')}`,
    );
  }
  let model: LayersModel;
  try {
    model = await tf.loadLayersModel(`file://${path.resolve(dir, manifest.files.topology)}`);
  } catch (err) {
    throw new ModelArtifactError(dir, `cannot load the TF.js model: ${String(err)}`, {
      cause: err,
    });
  }
  const inputs = model.inputs[0]?.shape[1];
  if (inputs !== manifest.features.length) {
    model.dispose();
    throw new ModelArtifactError(
      dir,
      `model takes ${String(inputs)} inputs, manifest lists ${manifest.features.length} features`,
    );
  }
  const scorer = new Scorer(tf, model, manifest);
  let mismatch: string | undefined;
  try {
    mismatch = goldenMismatch(integrity.golden, scorer.scoreBatch(integrity.golden.rows));
  } catch (err) {
    scorer.dispose();
    throw new ModelArtifactError(dir, `cannot score the golden rows: ${String(err)}`, {
      cause: err,
    });
  }
  if (mismatch !== undefined) {
    scorer.dispose();
    throw new ModelArtifactError(
      dir,
      `the model does not reproduce its golden scores: ${mismatch}`,
    );
  }
  return scorer;
}

/** Resolves the artifacts root's default version directory (from its CURRENT file). */
export async function currentModelDir(artifactsRoot: string): Promise<string> {
  let version: string;
  try {
    version = (await readFile(path.join(artifactsRoot, CURRENT_FILE), 'utf8')).trim();
  } catch (err) {
    throw new ModelArtifactError(
      artifactsRoot,
      `no ${CURRENT_FILE} file naming the default model`,
      { cause: err },
    );
  }
  if (!/^[\w.-]+$/.test(version))
    throw new ModelArtifactError(artifactsRoot, `${CURRENT_FILE} names ${JSON.stringify(version)}`);
  return path.join(artifactsRoot, version);
}

/**
 * The version directory `dir` names: `dir` itself when it holds a manifest, else the version its
 * CURRENT file names (a model store, as FS_MODEL_DIR); undefined: the default model.
 */
export async function modelVersionDir(dir: string | undefined): Promise<string> {
  if (dir === undefined) return currentModelDir(defaultArtifactsRoot());
  return existsSync(path.join(dir, MANIFEST_FILE)) ? dir : currentModelDir(dir);
}

/** The artifacts directory shipped with this package (models/artifacts). */
export function defaultArtifactsRoot(): string {
  return path.resolve(__dirname, '..', '..', 'artifacts');
}
