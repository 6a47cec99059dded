import type { LabelledTransaction } from '@fraudstream/simulator';
import { simulateTransactions } from '@fraudstream/simulator';
import { FeatureStoreError } from '../errors';
import { backfillFeatures } from './backfill';
import { MemoryFeatureStore } from '../features/memory-store';
import { replayFeatures } from '../features/replay';

const DAY_MS = 86_400_000;
const PARAMS = { seed: 3, days: 40, customers: 200, terminals: 400 };

describe('backfillFeatures', () => {
  const rows: LabelledTransaction[] = [...simulateTransactions(PARAMS)];
  const start = rows[0]?.tx.event_time ?? 0;
  // Backfill 35 days, then score day 36 live: the vectors must be the offline replay's.
  const cut = Math.floor(start / DAY_MS) * DAY_MS + 35 * DAY_MS;
  const history = rows.filter((r) => r.tx.event_time < cut);
  const live = rows.filter((r) => r.tx.event_time >= cut && r.tx.event_time < cut + DAY_MS);

  it('leaves the state the offline replay has, labels included', async () => {
    expect(history.some((r) => r.truth.is_fraud)).toBe(true);
    const store = new MemoryFeatureStore();
    const progress: number[] = [];
    const summary = await backfillFeatures(store, history, {
      batchSize: 97,
      onProgress: (n) => progress.push(n),
    });
    expect(summary.transactions).toBe(history.length);
    expect(summary.labelsApplied).toBe(history.filter((r) => r.truth.is_fraud).length);
    expect(summary.firstEventMs).toBe(history[0]?.tx.event_time);
    expect(summary.lastEventMs).toBe(history[history.length - 1]?.tx.event_time);
    expect(progress[progress.length - 1]).toBe(history.length);

    const online = await store.computeBatch(live.map((r) => r.tx));
    const offline = replayFeatures(rows, { keepFromMs: cut, stopAtMs: cut + DAY_MS });
    expect(offline.rows).toBe(live.length);
    const width = offline.featureNames.length;
    // Terminal-risk features must be in play, or the labels would not have been tested.
    const riskColumns = offline.featureNames
      .map((name, i) => (name.startsWith('terminal_risk') ? i : -1))
      .filter((i) => i >= 0);
    let risky = 0;
    online.forEach((vector, r) => {
      for (let c = 0; c < width; c += 1) {
        expect(vector[c]).toBeCloseTo(offline.features[r * width + c] ?? NaN, 5);
      }
      if (riskColumns.some((c) => (vector[c] ?? 0) > 0)) risky += 1;
    });
    expect(risky).toBeGreaterThan(0);
  });

  it('stops at stopAtMs and reports nothing written as NaN times', async () => {
    const summary = await backfillFeatures(new MemoryFeatureStore(), history, { stopAtMs: start });
    expect(summary.transactions).toBe(0);
    expect(summary.firstEventMs).toBeNaN();
  });

  it('refuses history out of event-time order, naming the row', async () => {
    const [a, b] = history;
    if (a === undefined || b === undefined) throw new Error('no history');
    const run = backfillFeatures(new MemoryFeatureStore(), [
      { ...b, tx: { ...b.tx, event_time: a.tx.event_time + 1000 } },
      a,
    ]);
    await expect(run).rejects.toThrow(FeatureStoreError);
    await expect(run).rejects.toThrow(new RegExp(`${a.tx.transaction_id} at .* event-time order`));
  });

  it('rejects a batch size below one, naming the setting', async () => {
    await expect(
      backfillFeatures(new MemoryFeatureStore(), history, { batchSize: 0 }),
    ).rejects.toThrow(/batchSize/);
  });
});
