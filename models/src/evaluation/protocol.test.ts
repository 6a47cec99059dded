import type { FeatureTable } from '../features/replay';
import { DEFAULT_PROTOCOL_OPTIONS, buildFolds, protocolRangeMs } from './protocol';

const DAY = 86_400_000;
const START = Date.parse('2018-07-01T00:00:00Z');

/** One transaction per card per day at noon; `frauds` lists [card, day] pairs. */
function table(cards: number, days: number, frauds: [number, number][]): FeatureTable {
  const rows = cards * days;
  const eventTime = new Float64Array(rows);
  const isFraud = new Uint8Array(rows);
  const customer = new Int32Array(rows);
  let r = 0;
  for (let d = 0; d < days; d += 1) {
    for (let c = 0; c < cards; c += 1) {
      eventTime[r] = START + d * DAY + DAY / 2;
      customer[r] = c;
      isFraud[r] = frauds.some(([fc, fd]) => fc === c && fd === d) ? 1 : 0;
      r += 1;
    }
  }
  return {
    featureNames: [],
    features: new Float32Array(0),
    rows,
    eventTime,
    isFraud,
    scenario: new Int8Array(rows),
    customer,
    customers: Array.from({ length: cards }, (_, i) => `card-${i}`),
    transactionIds: Array.from({ length: rows }, (_, i) => String(i)),
  };
}

describe('the evaluation protocol', () => {
  const o = { ...DEFAULT_PROTOCOL_OPTIONS, lastTrainStartMs: START + 30 * DAY, folds: 2 };

  it('trains 7 days, skips the delay, tests 7 days, folds shifted back by 7 days', () => {
    const folds = buildFolds(table(50, 60, []), o);
    expect(folds.map((f) => new Date(f.trainStartMs).toISOString().slice(0, 10))).toEqual([
      '2018-07-31',
      '2018-07-24',
    ]);
    expect(folds[0]?.testStartMs).toBe(START + 44 * DAY);
    expect((folds[0]?.fit.length ?? 0) + (folds[0]?.validation.length ?? 0)).toBe(50 * 7);
    expect(folds[0]?.test.length).toBe(50 * 7);
    expect(folds[0]?.validation.length).toBeGreaterThan(0);
    expect(protocolRangeMs(o)).toEqual({ fromMs: START + 23 * DAY, toMs: START + 51 * DAY });
  });

  it('drops the cards known to be compromised by each test day', () => {
    // Card 1: fraud in training (day 31) → gone from every test day. Card 2: fraud on day 39
    // (delay period) → known from test day 47 = 39 + 7 + 1 on. Card 3: fraud on test day 45 only.
    const t = table(5, 60, [
      [1, 31],
      [2, 39],
      [3, 45],
    ]);
    const [fold] = buildFolds(t, o);
    const testCards = (day: number): number[] =>
      [...(fold?.test ?? [])]
        .filter((i) => Math.floor(((t.eventTime[i] ?? 0) - START) / DAY) === day)
        .map((i) => t.customer[i] ?? -1);
    expect(testCards(44)).toEqual([0, 2, 3, 4]);
    expect(testCards(46)).toEqual([0, 2, 3, 4]);
    expect(testCards(47)).toEqual([0, 3, 4]);
    expect(testCards(50)).toEqual([0, 3, 4]);
  });

  it('drops known-compromised cards from the validation rows too, with the same delay', () => {
    // Regression: thresholds were chosen on validation rows that kept the cards already known to
    // be compromised, a population the test rows (and the workers) never see.
    const d1 = { ...o, feedbackDelayDays: 1, folds: 1 };
    const heldOut = new Set(
      [...(buildFolds(table(50, 60, []), d1)[0]?.validation ?? [])].map((i) => i % 50),
    );
    const card = [...heldOut][0] ?? -1;
    expect(card).toBeGreaterThanOrEqual(0);
    // Training days are 30..36; the card's fraud on day 31 is labelled by day 33 (delay 1).
    const t = table(50, 60, [[card, 31]]);
    const [fold] = buildFolds(t, d1);
    const days = [...(fold?.validation ?? [])]
      .filter((i) => t.customer[i] === card)
      .map((i) => Math.floor(((t.eventTime[i] ?? 0) - START) / DAY));
    expect(days).toEqual([30, 31, 32]);
    // Other held-out cards keep every training day.
    expect(fold?.validation.length).toBe(heldOut.size * 7 - 4);
  });

  it('fails with the fold named when a period has no data', () => {
    expect(() => buildFolds(table(5, 10, []), o)).toThrow(/fold 0/);
  });
});
