// Fault injection through the worker's stage wrappers: fail the features stage for chosen
// transactions, a given number of times, with a transient error (what a Redis timeout gives).
import { TransientStageError, type FeatureStage } from '@fraudstream/workers';

/** Injects transient feature failures by transaction id and counts every attempt. */
export class FeatureFaults {
  /** Feature-stage runs that included each transaction. */
  readonly attempts = new Map<string, number>();
  private readonly remaining = new Map<string, number>();

  /** Fails every run that includes `transactionId`, `times` times (Infinity: always). */
  fail(transactionId: string, times: number): this {
    this.remaining.set(transactionId, times);
    return this;
  }

  /** The stage wrapper to pass as `stageWrappers.features`. */
  readonly wrap = (next: FeatureStage): FeatureStage => ({
    run: async (batch) => {
      let inject = false;
      for (const { tx } of batch) {
        this.attempts.set(tx.transaction_id, (this.attempts.get(tx.transaction_id) ?? 0) + 1);
        const left = this.remaining.get(tx.transaction_id) ?? 0;
        if (left > 0) {
          inject = true;
          this.remaining.set(tx.transaction_id, left - 1);
        }
      }
      if (inject) throw new TransientStageError('FS_FEATURES_FAILED', 'injected transient failure');
      return next.run(batch);
    },
  });
}
