// What the scoring worker is built from besides its configuration: the backends over the
// models package, telemetry, and the seams tests use (stage wrappers, logger, observer).
import type Redis from 'ioredis';
import type { WorkerConfig } from './config/worker-config';
import type { WorkerError } from './errors';
import type { MetricsHandler } from './health/health-server';
import type { LabelUpdate } from './labels/label-consumer';
import type { Logger } from './logging/logger';
import type { LoadedModel, ModelLoader } from './model-registry/model-registry';
import type { OnlineFeatures } from './pipeline/feature-stage';
import type { PipelineObserver } from './pipeline/observer';
import type { StageWrappers } from './pipeline/pipeline';
import type { Telemetry } from './telemetry';

/** The feature state as the worker uses it: scoring, labels, and its own shutdown. */
export interface FeatureBackend extends OnlineFeatures {
  /** Idempotent per transaction id. */
  applyLabels(labels: readonly LabelUpdate[]): Promise<unknown>;
  /** Releases what the backend holds (not the Redis client, which the worker owns). */
  close(): Promise<void>;
}

/**
 * Builds the feature backend over the worker's Redis client; `champion` is the model loaded at
 * start, whose artifact says which feature computation (delay, buckets) it was trained with.
 */
export type FeatureBackendFactory = (
  redis: Redis,
  config: WorkerConfig,
  champion: LoadedModel,
) => Promise<FeatureBackend>;

/** What the worker is built from besides its configuration; every field has a production default. */
export interface WorkerDependencies {
  /** @defaultValue JSON lines on stdout at FS_LOG_LEVEL */
  readonly logger?: Logger;
  /** Wrappers around the pipeline stages (instrumentation, fault injection in tests). */
  readonly stageWrappers?: StageWrappers;
  /**
   * Tracing and metrics (from `initTelemetry`): spans per batch, transaction and stage, metrics
   * per transaction, /metrics on the health port. @defaultValue none (no spans, /metrics 404)
   */
  readonly telemetry?: Pick<Telemetry, 'tracer' | 'metrics' | 'handleMetricsRequest'>;
  /** Receives stage timings and outcomes. @defaultValue the telemetry observer, else nothing */
  readonly observer?: PipelineObserver;
  /** Serves /metrics. @defaultValue telemetry's handler, else none (404) */
  readonly metrics?: MetricsHandler;
  /** The feature state. @defaultValue the models package's Redis feature store */
  readonly features: FeatureBackendFactory;
  /** Loads model artifacts. @defaultValue the models package's TF.js loader */
  readonly modelLoader: ModelLoader;
  /** The model store when FS_MODEL_DIR is unset. */
  readonly defaultModelDir: string;
  /** Told of fatal errors after the worker began stopping because of them. */
  readonly onFatal?: (error: WorkerError) => void;
}
