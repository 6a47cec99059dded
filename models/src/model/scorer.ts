import type { LayersModel, Tensor } from '@tensorflow/tfjs-node';
import { ModelInputError } from '../errors';
import { compileDenseStack, type DenseStack } from './dense-stack';
import type { ModelManifest } from './manifest';
import { applyNormalisation } from './normalisation';
import type { Decision, Thresholds } from './thresholds';
import { decide } from './thresholds';
import type { Tf } from './tf';

/** Rows of features: row-major rows×cols, or one array per row. */
export type FeatureRows = Float32Array | readonly (readonly number[] | Float32Array)[];

/** A feature that pushed a score up or down, for a verdict's reason codes. */
export interface ReasonCode {
  feature: string;
  /** Gradient × input on the normalised input: the feature's share of the logit, roughly. */
  contribution: number;
}

/** A loaded model: scores batches, maps scores to decisions, explains flagged ones. */
export class Scorer {
  readonly version: string;
  readonly featureNames: readonly string[];
  readonly thresholds: Thresholds;
  private readonly stack: DenseStack | undefined;

  /** Wraps a loaded model and its manifest (use loadModel to build one). */
  constructor(
    private readonly tf: Tf,
    private readonly model: LayersModel,
    readonly manifest: ModelManifest,
  ) {
    this.version = manifest.version;
    this.featureNames = manifest.features;
    this.thresholds = manifest.thresholds;
    this.stack = compileDenseStack(tf, model);
  }

  /** Fraud scores in [0, 1] for a batch, in ONE model call; every tensor is disposed. */
  scoreBatch(features: FeatureRows): Float32Array {
    const { x, rows } = this.normalise(features);
    if (rows === 0) return new Float32Array(0);
    const cols = this.featureNames.length;
    if (this.stack) return this.stack.predict(x, rows);
    return this.tf.tidy(() => {
      const input = this.tf.tensor2d(x, [rows, cols]);
      return (this.model.predict(input, { batchSize: rows }) as Tensor).dataSync() as Float32Array;
    });
  }

  /** APPROVE / REVIEW / DECLINE under this model's thresholds. */
  decide(score: number): Decision {
    return decide(score, this.thresholds);
  }

  /**
   * The `top` features that pushed each row's score up most (gradient × normalised input, one
   * backward pass per row; in JavaScript for Dense stacks, about 0.1 ms a row). Meant for
   * REVIEW/DECLINE rows, not the whole stream.
   */
  explainBatch(features: FeatureRows, top = 3): ReasonCode[][] {
    const { x, rows } = this.normalise(features);
    if (rows === 0) return [];
    const cols = this.featureNames.length;
    const tf = this.tf;
    // Gradient of the logit (not the saturating sigmoid) with respect to the input.
    const grad =
      this.stack?.logitGradient?.(x, rows) ??
      tf.tidy(() => {
        const logOdds = (t: Tensor): Tensor => {
          const p = (this.model.predict(t, { batchSize: rows }) as Tensor).clipByValue(
            1e-7,
            1 - 1e-7,
          );
          return p.div(tf.scalar(1).sub(p)).log().sum();
        };
        return tf
          .grad(logOdds)(tf.tensor2d(x, [rows, cols]))
          .dataSync() as Float32Array;
      });
    const contributions = grad.map((g, i) => g * (x[i] ?? 0));
    const out: ReasonCode[][] = [];
    for (let r = 0; r < rows; r += 1) {
      const row: ReasonCode[] = [];
      for (let c = 0; c < cols; c += 1) {
        row.push({
          feature: this.featureNames[c] ?? String(c),
          contribution: contributions[r * cols + c] ?? 0,
        });
      }
      row.sort((a, b) => b.contribution - a.contribution);
      out.push(row.slice(0, top));
    }
    return out;
  }

  /** Frees the model's weights; the scorer is unusable afterwards. Safe to call twice. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.stack?.dispose();
    this.model.dispose();
  }

  private disposed = false;

  private normalise(features: FeatureRows): { x: Float32Array; rows: number } {
    const cols = this.featureNames.length;
    let flat: Float32Array;
    if (features instanceof Float32Array) {
      if (features.length % cols !== 0) {
        throw new ModelInputError(`expected rows × ${cols} values, got ${features.length}`);
      }
      flat = features;
    } else {
      flat = new Float32Array(features.length * cols);
      features.forEach((row, r) => {
        if (row.length !== cols) {
          throw new ModelInputError(`row ${r}: expected ${cols} features, got ${row.length}`);
        }
        flat.set(row, r * cols);
      });
    }
    for (let i = 0; i < flat.length; i += 1) {
      if (!Number.isFinite(flat[i])) {
        throw new ModelInputError(
          `row ${Math.floor(i / cols)}, feature ${this.featureNames[i % cols] ?? ''}: not a finite number`,
        );
      }
    }
    const rows = flat.length / cols;
    return { x: applyNormalisation(flat, cols, null, this.manifest.normalisation), rows };
  }
}
