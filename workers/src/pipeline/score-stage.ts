// Stage 3: score the whole batch in one inference call, decide the band from the model's own
// thresholds, attach reason codes, and score the challenger (if any) in shadow: its score is
// recorded beside the champion's and never changes the decision.
import { InternalStageError, TransientStageError } from '../errors';
import type { Verdict } from './contracts';
import { isProgrammerError } from './failure';
import type { FeatureResult } from './feature-stage';
import type { DecodedRecord, ScoredRecord, ShadowScore } from './types';

/** A decision band. */
export type Decision = Verdict['decision'];

/** One reason code of a verdict. */
export type ReasonCode = Verdict['reason_codes'][number];

/** What the score stage needs of a loaded model (adapters/models-backend.ts wraps the models package). */
export interface ScoringModel {
  /** Version of the artifact (its directory name in the model store). */
  readonly version: string;
  readonly thresholds: Readonly<Verdict['thresholds']>;
  /** Scores in batch order, from one inference call; tensors are disposed before it resolves. */
  score(vectors: readonly Float32Array[]): Promise<ArrayLike<number>>;
  /** The band of a score under this model's thresholds. */
  decide(score: number): Decision;
  /**
   * The features that drove each row's score, strongest first. A model may leave rows it would
   * approve without reasons (explanations are only worth their cost for flagged rows).
   */
  explain(vectors: readonly Float32Array[], scores: ArrayLike<number>): ReasonCode[][];
}

/** The models a batch is scored with; fixed for the whole batch (swaps happen between batches). */
export interface ModelSet {
  readonly champion: ScoringModel;
  readonly challenger?: ScoringModel;
}

/** Stage 3 of the pipeline. */
export interface ScoreStage {
  run(
    batch: readonly DecodedRecord[],
    features: FeatureResult,
    models: ModelSet,
  ): Promise<ScoredRecord[]>;
}

/** Options of {@link createScoreStage}. */
export interface ScoreStageOptions {
  /** Clock of `scored_at`. @defaultValue Date.now */
  readonly now?: () => number;
  /** Told when the challenger fails; the champion's verdicts go out regardless. */
  readonly onShadowError?: (error: unknown, challenger: ScoringModel) => void;
  /** Told when reason codes cannot be computed; the verdicts go out without them. */
  readonly onExplainError?: (error: unknown, model: ScoringModel) => void;
}

/** The score stage. Throws TransientStageError (retry) or InternalStageError (dead letter). */
export function createScoreStage(options: ScoreStageOptions = {}): ScoreStage {
  const now = options.now ?? Date.now;
  return {
    async run(batch, features, models) {
      const { champion, challenger } = models;
      const scores = await infer(champion, features.vectors);
      let shadow: ArrayLike<number> | undefined;
      if (challenger) {
        try {
          shadow = await challenger.score(features.vectors);
        } catch (error: unknown) {
          options.onShadowError?.(error, challenger);
        }
      }
      let reasons: ReasonCode[][] = [];
      try {
        reasons = champion.explain(features.vectors, scores);
      } catch (error: unknown) {
        options.onExplainError?.(error, champion);
      }
      const scoredAt = now();
      return batch.map((decoded, i): ScoredRecord => {
        const score = scores[i] ?? Number.NaN;
        const { tx, record } = decoded;
        const verdict: Verdict = {
          transaction_id: tx.transaction_id,
          customer_id: tx.customer_id,
          score,
          decision: champion.decide(score),
          thresholds: { review: champion.thresholds.review, decline: champion.thresholds.decline },
          model_version: champion.version,
          reason_codes: reasons[i] ?? [],
          degraded: features.degraded !== null,
          degraded_reason: features.degraded,
          event_time: tx.event_time,
          received_at: record.receivedAt,
          scored_at: scoredAt,
        };
        const shadowScore = shadow?.[i];
        const shadowed: ShadowScore | undefined =
          challenger && shadowScore !== undefined
            ? {
                modelVersion: challenger.version,
                score: shadowScore,
                decision: challenger.decide(shadowScore),
              }
            : undefined;
        return shadowed ? { decoded, verdict, shadow: shadowed } : { decoded, verdict };
      });
    },
  };
}

async function infer(
  model: ScoringModel,
  vectors: readonly Float32Array[],
): Promise<ArrayLike<number>> {
  let scores: ArrayLike<number>;
  try {
    scores = await model.score(vectors);
  } catch (error: unknown) {
    // A bad input shape is a bug; anything else from the runtime (allocation, native error) may pass.
    const code =
      typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
    if (isProgrammerError(error) || code === 'FS_MODEL_INPUT')
      throw new InternalStageError('inference', { cause: error });
    throw new TransientStageError('FS_INFERENCE_FAILED', `model ${model.version} failed to score`, {
      cause: error,
    });
  }
  if (scores.length !== vectors.length) {
    throw new InternalStageError('inference', {
      cause: new RangeError(
        `model ${model.version} returned ${scores.length} scores for ${vectors.length} rows`,
      ),
    });
  }
  for (let i = 0; i < scores.length; i += 1) {
    const s = scores[i] ?? Number.NaN;
    if (!(s >= 0 && s <= 1)) {
      throw new InternalStageError('inference', {
        cause: new RangeError(`model ${model.version} returned score ${s} (row ${i})`),
      });
    }
  }
  return scores;
}
