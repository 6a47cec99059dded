import { FraudstreamError } from '@fraudstream/settings';

/** Stable, documented error codes of @fraudstream/models (listed in docs/errors.md). */
export const MODEL_ERROR_CODES = [
  'FS_FEATURE_OPTIONS',
  'FS_FEATURE_STORE_TIMEOUT',
  'FS_FEATURE_STORE_UNAVAILABLE',
  'FS_FEATURE_STORE_SCRIPT',
  'FS_FEATURE_BACKFILL_ORDER',
  'FS_TF_BACKEND',
  'FS_MODEL_ARTIFACT',
  'FS_MODEL_INPUT',
  'FS_TRAINING',
  'FS_EVALUATION',
] as const;

/** One of the documented model error codes. */
export type ModelErrorCode = (typeof MODEL_ERROR_CODES)[number];

/** Base error of the models package: a stable code, whether a retry can help, and the cause. */
export class ModelsError extends FraudstreamError<ModelErrorCode> {
  override readonly name: string = 'ModelsError';
}

/**
 * The feature state could not be read or written. Timeouts, an unreachable Redis and one that
 * refuses commands for now (OOM, READONLY...) are retriable (the worker pauses until Redis takes
 * writes again); a script or options error is not.
 */
export class FeatureStoreError extends ModelsError {
  override readonly name = 'FeatureStoreError';
}

/** TensorFlow.js is not running on the native `tensorflow` backend. Never retriable. */
export class TfBackendError extends ModelsError {
  override readonly name = 'TfBackendError';

  /** `backend` is the backend found instead of `tensorflow`. */
  constructor(readonly backend: string) {
    super(
      'FS_TF_BACKEND',
      `TensorFlow.js backend is "${backend}", expected "tensorflow": the native binding of ` +
        '@tensorflow/tfjs-node is missing; build it with `bash deploy/local/tfjs-native.sh`',
      false,
    );
  }
}

/** A model artifact directory is missing a file or does not match its manifest. */
export class ModelArtifactError extends ModelsError {
  override readonly name = 'ModelArtifactError';

  /** `dir` is the artifact directory; `message` names what is wrong in it. */
  constructor(
    readonly dir: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('FS_MODEL_ARTIFACT', `${dir}: ${message}`, false, options);
  }
}

/** A scoring input has the wrong shape or non-finite values. */
export class ModelInputError extends ModelsError {
  override readonly name = 'ModelInputError';

  /** `message` names the expected and received shapes. */
  constructor(message: string) {
    super('FS_MODEL_INPUT', message, false);
  }
}

/** Training could not run (no data, no frauds in the period, a non-finite loss). */
export class TrainingError extends ModelsError {
  override readonly name = 'TrainingError';

  /** `message` says what was missing. */
  constructor(message: string, options?: { cause?: unknown }) {
    super('FS_TRAINING', message, false, options);
  }
}

/** The evaluation protocol cannot be applied to the data (period not covered, no frauds). */
export class EvaluationError extends ModelsError {
  override readonly name = 'EvaluationError';

  /** `message` names the period or fold that failed. */
  constructor(message: string) {
    super('FS_EVALUATION', message, false);
  }
}
