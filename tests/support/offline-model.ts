// The offline side of train/serve parity: the same stream replayed through the models package's
// in-memory feature store (the computation training uses) and scored by the same artifact.
import { join } from 'node:path';
import { loadModel } from '@fraudstream/models';
import { replayFeatures } from '@fraudstream/models/training';
import type { TestTransaction } from './transactions';

/** Offline scores by transaction id, for `stream` in event-time order. */
export async function offlineScores(
  stream: readonly TestTransaction[],
  modelStore: string,
  version: string,
): Promise<Map<string, number>> {
  const scorer = await loadModel(join(modelStore, version));
  try {
    const rows = stream.map(({ tx }) => ({
      tx: {
        transaction_id: tx.transaction_id,
        event_time: tx.event_time,
        customer_id: tx.customer_id,
        terminal_id: tx.terminal_id,
        amount: tx.amount_minor / 100,
      },
      // The live stream gets no labels in this test, so the replay must not learn any either.
      truth: { is_fraud: false, scenario: 0 as const },
    }));
    const table = replayFeatures(rows, scorer.manifest.featureOptions);
    const scores = scorer.scoreBatch(table.features);
    return new Map(table.transactionIds.map((id, i) => [id, scores[i] ?? Number.NaN]));
  } finally {
    scorer.dispose();
  }
}
