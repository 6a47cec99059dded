import { averagePrecision } from './metrics';
import type { OracleRows } from './oracle-bound';
import {
  ORACLE_VISIBLE_SCORE,
  expectedAveragePrecision,
  oracleBound,
  oracleCardPrecision,
  oracleRowScores,
} from './oracle-bound';

const DAY = 86_400_000;
const H = 3_600_000;

/** All orders of a list (small lists only). */
function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  const out: number[][] = [];
  for (const rest of permutations(n - 1)) {
    for (let k = 0; k <= rest.length; k += 1)
      out.push([...rest.slice(0, k), n - 1, ...rest.slice(k)]);
  }
  return out;
}

/** Brute force: the mean AP over every order that keeps the score order (ties permuted). */
function bruteForceExpectedAp(scores: number[], labels: number[]): number {
  let sum = 0;
  let count = 0;
  for (const perm of permutations(scores.length)) {
    // Distinct scores that respect the ties' order `perm` (scores dominate, perm breaks ties).
    const rank = new Array<number>(scores.length);
    perm.forEach((i, pos) => (rank[i] = pos));
    const broken = scores.map((s, i) => s * 100 + (rank[i] ?? 0) / 100);
    sum += averagePrecision(broken, labels);
    count += 1;
  }
  return sum / count;
}

describe('expectedAveragePrecision', () => {
  it('is ¾ for one fraud tied with one genuine (orders give 1 and ½)', () => {
    expect(expectedAveragePrecision([1, 1], [1, 0])).toBeCloseTo(0.75, 12);
    // scikit-learn groups the tie instead, which is not an expectation: 0.5.
    expect(averagePrecision([1, 1], [1, 0])).toBeCloseTo(0.5, 12);
  });

  it('equals the mean over every tie order', () => {
    const scores = [3, 2, 2, 2, 2, 1, 1, 0];
    const labels = [1, 1, 0, 1, 0, 0, 1, 0];
    expect(expectedAveragePrecision(scores, labels)).toBeCloseTo(
      bruteForceExpectedAp(scores, labels),
      10,
    );
  });

  it('is scikit-learn average precision without ties', () => {
    const scores = [0.9, 0.8, 0.7, 0.4, 0.3];
    const labels = [1, 0, 1, 0, 1];
    expect(expectedAveragePrecision(scores, labels)).toBeCloseTo(
      averagePrecision(scores, labels),
      12,
    );
  });
});

// A hand-made test day (day 100), D = 7 days, compromises of C = 28 days:
// terminal 0 has a fraud at day 90 (known by day 100 − 7 = 93) → its fraud is VISIBLE and its
//   genuine transaction CLEARED;
// terminal 1 has no fraud and its last transaction at day 80 + 1 h → dark, k = 100 − 81 + 1 = 20;
// terminal 2 has its last transaction at day 92.5 (≤ t − D) → dark, k = 100 − 93 + 1 = 8;
// terminal 3 has never been used → dark, k = 28.
const t = 100 * DAY + 12 * H;
const rows: OracleRows = {
  eventTime: [t, t, t, t, t, t],
  isFraud: [1, 0, 1, 0, 1, 0],
  scenario: [2, 0, 2, 0, 3, 0],
  amount: [50, 50, 50, 50, 60, 40],
  customer: [0, 1, 2, 3, 4, 5],
  terminal: [0, 0, 1, 2, 3, 3],
  lastTxAtDelay: [92 * DAY, 92 * DAY, 80 * DAY + H, 92.5 * DAY, -Infinity, -Infinity],
  lastFraudAtDelay: [90 * DAY, 90 * DAY, -Infinity, -Infinity, -Infinity, -Infinity],
};

describe('oracleRowScores', () => {
  it('classes rows as visible, cleared or dark with the number of consistent draw days', () => {
    const { scores, darkFraud } = oracleRowScores(rows);
    expect(Array.from(scores)).toEqual([ORACLE_VISIBLE_SCORE, -1, 20, 8, ORACLE_VISIBLE_SCORE, 28]);
    expect(Array.from(darkFraud)).toEqual([0, 0, 1, 0, 0, 0]);
  });

  it('treats a fraud known only after t − D as no evidence, and amounts over 220 as visible', () => {
    const late: OracleRows = {
      ...rows,
      lastFraudAtDelay: [-Infinity, -Infinity, -Infinity, -Infinity, -Infinity, -Infinity],
      amount: [50, 50, 230, 50, 60, 40],
    };
    const { scores, darkFraud } = oracleRowScores(late);
    // Terminal 0 is now dark, k = 100 − 93 + 1 = 8 for both its rows; the 230 fraud is visible.
    expect(Array.from(scores)).toEqual([8, 8, ORACLE_VISIBLE_SCORE, 8, ORACLE_VISIBLE_SCORE, 28]);
    expect(Array.from(darkFraud)).toEqual([1, 0, 0, 0, 0, 0]);
  });
});

describe('oracleBound', () => {
  it('ranks visible, then dark by k, then cleared: AUC, expected AP and card precision by hand', () => {
    const b = oracleBound(rows, { cardsPerDay: 2, tieOrders: 50 });
    // Order: two visible frauds, then k = 28 (genuine), 20 (fraud), 8 (genuine), −1 (genuine).
    // AUC: visible frauds beat 3 genuine each, the dark fraud beats 2 of 3 → 8/9.
    expect(b.auc_roc).toBeCloseTo(8 / 9, 12);
    // AP: precisions 1, 1, 3/4 at the three frauds → (1 + 1 + 0.75) / 3.
    expect(b.average_precision).toBeCloseTo(2.75 / 3, 12);
    // Top 2 cards of the day are the two visible-fraud cards: precision 1, no ties to average.
    expect(b.card_precision_at_100).toBeCloseTo(1, 12);
    expect(b.darkFrauds).toBe(1);
    expect(b.darkShare).toBeCloseTo(1 / 3, 12);
  });

  it('averages card precision over random orders of tied cards', () => {
    // One card with a dark fraud tied (k = 8) with two genuine dark cards: top-1 precision ⅓.
    const tied: OracleRows = {
      eventTime: [t, t, t],
      isFraud: [1, 0, 0],
      scenario: [2, 0, 0],
      amount: [10, 10, 10],
      customer: [0, 1, 2],
      terminal: [0, 1, 2],
      lastTxAtDelay: [92.5 * DAY, 92.5 * DAY, 92.5 * DAY],
      lastFraudAtDelay: [-Infinity, -Infinity, -Infinity],
    };
    const cp = oracleCardPrecision(tied, oracleRowScores(tied).scores, {
      cardsPerDay: 1,
      tieOrders: 3000,
    });
    expect(cp.mean).toBeGreaterThan(1 / 3 - 4 * cp.standardError);
    expect(cp.mean).toBeLessThan(1 / 3 + 4 * cp.standardError);
    expect(cp.standardError).toBeGreaterThan(0);
  });

  it('sums k over a card’s distinct dark terminals', () => {
    // Card 0 used two dark terminals (k = 8 each, sum 16); card 1 one terminal with k = 20.
    const two: OracleRows = {
      eventTime: [t, t, t + H, t],
      isFraud: [0, 0, 0, 1],
      scenario: [0, 0, 0, 2],
      amount: [10, 10, 10, 10],
      customer: [0, 0, 0, 1],
      terminal: [0, 1, 1, 2],
      lastTxAtDelay: [92.5 * DAY, 92.5 * DAY, 92.5 * DAY, 80 * DAY + H],
      lastFraudAtDelay: [-Infinity, -Infinity, -Infinity, -Infinity],
    };
    // Card 1 (score 20) outranks card 0 (16): top-1 precision 1.
    expect(
      oracleCardPrecision(two, oracleRowScores(two).scores, { cardsPerDay: 1, tieOrders: 5 }).mean,
    ).toBe(1);
    // With terminal 2 seen at day 92.5 too, card 1 scores 8 < 16: precision 0.
    const later = { ...two, lastTxAtDelay: [92.5 * DAY, 92.5 * DAY, 92.5 * DAY, 92.5 * DAY] };
    expect(
      oracleCardPrecision(later, oracleRowScores(later).scores, { cardsPerDay: 1, tieOrders: 5 })
        .mean,
    ).toBe(0);
  });
});
