import type { FeatureOptions } from '../features/options';
import type { ArtifactIntegrity } from './integrity';
import type { Normalisation } from './normalisation';
import type { Thresholds } from './thresholds';
import type { TrainingOptions } from './training-options';

/** Format tag of manifest.json; bump on an incompatible change (2: the integrity section). */
export const MANIFEST_FORMAT = 'fraudstream-model/2';

/** Figures a model was accepted with (evaluate's JSON, summarised). */
export interface AcceptanceMetrics {
  auc_roc: number;
  average_precision: number;
  card_precision_at_100: number;
  precision_at_recall_80: number;
  recall_at_precision_50: number;
  [name: string]: unknown;
}

/** manifest.json of a model artifact directory. */
export interface ModelManifest {
  format: typeof MANIFEST_FORMAT;
  version: string;
  /** Feature names, in the order of the model's input. */
  features: string[];
  normalisation: Normalisation;
  thresholds: Thresholds;
  /** The feature computation the model expects (delay and buckets). */
  featureOptions: FeatureOptions;
  training: {
    recipe: TrainingOptions;
    trainStart: string;
    trainEnd: string;
    rows: number;
    frauds: number;
    validationRows: number;
  };
  data: {
    /** sha256 of the training data in the documented CSV layout (see models/README.md). */
    sha256: string;
    source: string;
  };
  metrics: AcceptanceMetrics;
  /** Files of the TF.js model in the directory. */
  files: { topology: string; weights: string };
  /** Checksums of those files and golden vectors, checked on every load. */
  integrity: ArtifactIntegrity;
}
