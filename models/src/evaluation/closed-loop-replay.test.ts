import type { LabelledTransaction } from '@fraudstream/simulator';
import { simulateTransactions } from '@fraudstream/simulator';
import { FEATURE_NAMES } from '../features/definitions';
import { MemoryFeatureStore } from '../features/memory-store';
import { replayFeatures } from '../features/replay';
import type { ClosedLoopScorer, ReplayedVerdict } from './closed-loop-replay';
import { ClosedLoopReplay } from './closed-loop-replay';
import { DueHeap } from '../scheduling/due-heap';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const rows: LabelledTransaction[] = [
  ...simulateTransactions({ seed: 5, days: 30, customers: 150, terminals: 300 }),
];
const amountCol = FEATURE_NAMES.indexOf('amount');

/** Flags by amount (the amount feature is the raw amount), recording every row it scores. */
function amountScorer(seen: Float32Array[] = []): ClosedLoopScorer {
  return {
    thresholds: { review: 0.5, decline: 0.9 },
    scoreBatch(x) {
      const features = x instanceof Float32Array ? x : new Float32Array(0);
      const cols = FEATURE_NAMES.length;
      const out = new Float32Array(features.length / cols);
      for (let r = 0; r < out.length; r += 1) {
        const row = features.slice(r * cols, (r + 1) * cols);
        seen.push(row);
        const amount = row[amountCol] ?? 0;
        out[r] = amount > 150 ? 0.95 : amount > 100 ? 0.6 : 0.1;
      }
      return out;
    },
  };
}

describe('ClosedLoopReplay', () => {
  it('computes the vectors of FeatureReplay when every label comes D after its event', () => {
    const seen: Float32Array[] = [];
    const replay = new ClosedLoopReplay(
      new MemoryFeatureStore(),
      amountScorer(seen),
      { flaggedLabelDelayMs: 7 * DAY_MS, chargebackDelayMs: 7 * DAY_MS },
      () => undefined,
    );
    rows.forEach((r, i) => replay.push(r, i));
    replay.finish();
    const table = replayFeatures(rows);
    expect(seen).toHaveLength(table.rows);
    const cols = FEATURE_NAMES.length;
    let maxDiff = 0;
    seen.forEach((v, r) => {
      for (let c = 0; c < cols; c += 1) {
        maxDiff = Math.max(maxDiff, Math.abs((v[c] ?? 0) - (table.features[r * cols + c] ?? 0)));
      }
    });
    expect(maxDiff).toBe(0);
    expect(replay.applied).toBeGreaterThan(0);
  });

  it('gives every row one verdict, in push order, and schedules labels by its own verdicts', () => {
    const verdicts: [ReplayedVerdict, number][] = [];
    const replay = new ClosedLoopReplay(
      new MemoryFeatureStore(),
      amountScorer(),
      { flaggedLabelDelayMs: DAY_MS, chargebackDelayMs: 10 * DAY_MS },
      (v, k) => verdicts.push([v, k]),
    );
    const first = rows[0]?.tx.event_time ?? 0;
    const frauds = rows.filter((r) => r.truth.is_fraud);
    // Push up to 2 days after the first fraud: only flagged frauds of the first day are labelled.
    const cut = (frauds[0]?.tx.event_time ?? first) + 2 * DAY_MS;
    const head = rows.filter((r) => r.tx.event_time < cut);
    head.forEach((r, i) => replay.push(r, i));
    replay.finish();
    expect(verdicts.map(([, k]) => k)).toEqual(head.map((_, i) => i));
    const dueByCut = verdicts.filter(
      ([v]) =>
        v.isFraud &&
        v.decision !== 'APPROVE' &&
        v.eventTimeMs + DAY_MS <= (head[head.length - 1]?.tx.event_time ?? 0),
    ).length;
    expect(dueByCut).toBeGreaterThan(0);
    expect(replay.applied).toBe(dueByCut);
    expect(replay.pending).toBe(verdicts.filter(([v]) => v.isFraud).length - dueByCut);
  });

  it('marks transactions whose terminal has a readable label due within the exposure window', () => {
    const exposed: ReplayedVerdict[] = [];
    const replay = new ClosedLoopReplay(
      new MemoryFeatureStore(),
      amountScorer(),
      {
        flaggedLabelDelayMs: DAY_MS,
        chargebackDelayMs: 10 * DAY_MS,
        exposureMs: 12 * HOUR_MS,
      },
      (v) => {
        if (v.exposed) exposed.push(v);
      },
    );
    rows.forEach((r, i) => replay.push(r, i));
    replay.finish();
    // Only chargebacks (10 d > D = 7 d) land in buckets already read; flagged labels (1 d) never.
    expect(exposed.length).toBeGreaterThan(0);
    expect(exposed.length).toBeLessThan(rows.length / 10);
  });

  it('refuses rows out of event-time order', () => {
    const replay = new ClosedLoopReplay(
      new MemoryFeatureStore(),
      amountScorer(),
      { flaggedLabelDelayMs: DAY_MS, chargebackDelayMs: DAY_MS },
      () => undefined,
    );
    const [a, b] = rows;
    if (a === undefined || b === undefined) throw new Error('no rows');
    replay.push(b, 1);
    expect(() =>
      replay.push({ ...a, tx: { ...a.tx, event_time: b.tx.event_time - 1 } }, 0),
    ).toThrow(/goes back in event time/);
  });
});

describe('DueHeap', () => {
  it('takes entries by due time, ties in scheduling order, only once due', () => {
    const heap = new DueHeap<string>();
    for (const [due, name] of [
      [30, 'c'],
      [10, 'a'],
      [20, 'b1'],
      [20, 'b2'],
      [5, 'z'],
    ] as const) {
      heap.push(due, name);
    }
    expect(heap.takeDue(4)).toBeUndefined();
    const out: string[] = [];
    for (let e = heap.takeDue(25); e !== undefined; e = heap.takeDue(25)) out.push(e.item);
    expect(out).toEqual(['z', 'a', 'b1', 'b2']);
    expect(heap.size).toBe(1);
    expect(heap.peekDueMs()).toBe(30);
  });
});
