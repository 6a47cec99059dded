import type { FeatureTable } from '../features/replay';
import { aucRoc, cardPrecisionAtK } from './metrics';
import type { Fold } from './protocol';
import type { TerminalTrace } from './terminal-trace';

const DAY_MS = 86_400_000;

/**
 * The oracle bound, stated once (printed with the figures):
 *
 * A compromised terminal's frauds are drawn exactly like genuine transactions; the only evidence
 * of the compromise is its fraud labels, and with a delay D a label is known at t only if the
 * fraud happened by t − D. A compromise covering day(t) was drawn on a day d in
 * [day(t) − C + 1, day(t)] (C = terminalCompromiseDays) and makes every transaction on the
 * terminal from d on a fraud. So, for a test transaction at t on terminal k:
 *
 * - VISIBLE (ranked first, above everything): every fraud except the dark ones below — every
 *   scenario-1 and scenario-3 fraud, every fraud above the scenario-1 amount, and every
 *   scenario-2 fraud whose terminal has a fraud known by t in [(day(t) − C + 1) days, t − D].
 *   (Optimistic: a model does not rank all of these first.)
 * - CLEARED (ranked last): genuine transactions on a terminal with such a known fraud.
 *   (Optimistic: the oracle knows they are genuine.)
 * - DARK: every other transaction — all remaining genuine ones and the scenario-2 frauds, at
 *   most the scenario-1 amount, on a terminal with no fraud known by t since day(t) − C + 1.
 *   Nothing observable separates them except how long the terminal has been unobserved: a
 *   compromise drawn on day d is consistent with no known fraud iff the terminal had no
 *   transaction in [d, t − D], so the number of consistent draw days is
 *   k = day(t) − max(day(t) − C + 1, day(last transaction ≤ t − D) + 1) + 1, and with draws
 *   independent per day P(fraud | everything observable) = 1 − (1 − p)^k, increasing in k.
 *   The oracle ranks dark transactions by k (the Bayes ranking), ties in random order; a card's
 *   dark score on a day is the sum of k over the distinct terminals it used (its posterior of
 *   having a dark fraud is 1 − (1 − p)^Σk).
 *
 * The bound is the expected metric of that ranking over the random order of ties: exact for AUC
 * (ties count ½) and average precision (closed form below), a seeded Monte-Carlo mean for card
 * precision@k (detected cards leave later days, which couples the days). A model can exceed it
 * on one realised sample only by chance.
 */
export const ORACLE_BOUND_DEFINITION =
  'frauds ranked first unless dark; genuine on terminals with a known fraud ranked last; dark = ' +
  'genuine + scenario-2 frauds (amount ≤ scenario-1 threshold) on terminals with no fraud known ' +
  'by t (label delay D) since day(t) − C + 1 (C-day compromises, 28), ranked by the Bayes ' +
  'posterior (number k of compromise draw days consistent with no known fraud), ties random; ' +
  'expected metric over tie orders';

/** Settings of the oracle bound (the simulator's scenario parameters). */
export interface OracleBoundOptions {
  /** Label delay D in days. @defaultValue 7 */
  feedbackDelayDays: number;
  /** Length of a terminal compromise (scenario 2). @defaultValue 28 */
  terminalCompromiseDays: number;
  /** Amounts above this are always fraud (scenario 1). @defaultValue 220 */
  scenario1AmountThreshold: number;
  /** Cards per day for card precision. @defaultValue 100 */
  cardsPerDay: number;
  /** Random tie orders averaged for card precision. @defaultValue 200 */
  tieOrders: number;
  /** Seed of the tie orders. @defaultValue 0 */
  seed: number;
}

/** The simulator's defaults and the book's protocol. */
export const DEFAULT_ORACLE_BOUND_OPTIONS: Readonly<OracleBoundOptions> = Object.freeze({
  feedbackDelayDays: 7,
  terminalCompromiseDays: 28,
  scenario1AmountThreshold: 220,
  cardsPerDay: 100,
  tieOrders: 200,
  seed: 0,
});

/** Test rows with their ground truth and terminal history (parallel arrays). */
export interface OracleRows {
  eventTime: ArrayLike<number>;
  isFraud: ArrayLike<number>;
  /** Fraud scenario (1–3), anything else for genuine. */
  scenario: ArrayLike<number>;
  amount: ArrayLike<number>;
  customer: ArrayLike<number>;
  terminal: ArrayLike<number>;
  /** Latest transaction on the terminal at or before t − D (−Infinity when none). */
  lastTxAtDelay: ArrayLike<number>;
  /** Latest fraud on the terminal at or before t − D (−Infinity when none). */
  lastFraudAtDelay: ArrayLike<number>;
}

/** Score of a VISIBLE row; CLEARED rows score −1; DARK rows score k ∈ [1, C]. */
export const ORACLE_VISIBLE_SCORE = 1e6;

/** Per-row oracle scores (see ORACLE_BOUND_DEFINITION) and which rows are dark frauds. */
export function oracleRowScores(
  rows: OracleRows,
  options: Partial<OracleBoundOptions> = {},
): { scores: Float64Array; darkFraud: Uint8Array } {
  const o = { ...DEFAULT_ORACLE_BOUND_OPTIONS, ...options };
  const n = rows.eventTime.length;
  const scores = new Float64Array(n);
  const darkFraud = new Uint8Array(n);
  for (let i = 0; i < n; i += 1) {
    const t = rows.eventTime[i] ?? 0;
    const day = Math.floor(t / DAY_MS);
    const firstDrawDay = day - o.terminalCompromiseDays + 1;
    const evidence = (rows.lastFraudAtDelay[i] ?? -Infinity) >= firstDrawDay * DAY_MS;
    const fraud = (rows.isFraud[i] ?? 0) > 0;
    const lastTx = rows.lastTxAtDelay[i] ?? -Infinity;
    const k = day - Math.max(firstDrawDay, Math.floor(lastTx / DAY_MS) + 1) + 1;
    if (fraud) {
      const dark =
        rows.scenario[i] === 2 && (rows.amount[i] ?? 0) <= o.scenario1AmountThreshold && !evidence;
      scores[i] = dark ? k : ORACLE_VISIBLE_SCORE;
      darkFraud[i] = dark ? 1 : 0;
    } else {
      scores[i] = evidence ? -1 : k;
    }
  }
  return { scores, darkFraud };
}

/**
 * Expected average precision (as average_precision_score) when tied scores come in uniformly
 * random order. A positive in a tie group of n rows with m positives, after N rows holding T
 * positives, has J ~ U{0..n−1} group rows before it, of which J(m−1)/(n−1) positives on
 * average: E[precision] = (1/n) Σ_J (T + 1 + J(m−1)/(n−1)) / (N + 1 + J), exactly.
 */
export function expectedAveragePrecision(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
): number {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => (scores[b] ?? 0) - (scores[a] ?? 0));
  let positives = 0;
  for (let i = 0; i < n; i += 1) if ((labels[i] ?? 0) > 0) positives += 1;
  if (positives === 0) return Number.NaN;
  let before = 0;
  let tpBefore = 0;
  let sum = 0;
  let start = 0;
  while (start < n) {
    let end = start + 1;
    const s = scores[order[start] ?? 0];
    while (end < n && scores[order[end] ?? 0] === s) end += 1;
    const size = end - start;
    let m = 0;
    for (let j = start; j < end; j += 1) if ((labels[order[j] ?? 0] ?? 0) > 0) m += 1;
    if (m > 0) {
      const share = size === 1 ? 0 : (m - 1) / (size - 1);
      let e = 0;
      for (let j = 0; j < size; j += 1) e += (tpBefore + 1 + j * share) / (before + 1 + j);
      sum += (m * e) / size;
    }
    before += size;
    tpBefore += m;
    start = end;
  }
  return sum / positives;
}

/** sfc32, seeded: the tie orders must be reproducible. */
function sfc32(seed: number): () => number {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  const next = (): number => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    const t = (a + b + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
  for (let i = 0; i < 12; i += 1) next();
  return next;
}

/**
 * Expected card precision@k of the oracle: per day a card scores ORACLE_VISIBLE_SCORE if it has
 * a visible fraud, else the sum of k over the distinct terminals of its dark transactions (the
 * largest k per terminal), else −1; ties in random order, averaged over `tieOrders` orders.
 */
export function oracleCardPrecision(
  rows: OracleRows,
  rowScores: ArrayLike<number>,
  options: Partial<OracleBoundOptions> = {},
): { mean: number; standardError: number } {
  const o = { ...DEFAULT_ORACLE_BOUND_OPTIONS, ...options };
  const n = rowScores.length;
  const days = Int32Array.from({ length: n }, (_, i) =>
    Math.floor((rows.eventTime[i] ?? 0) / DAY_MS),
  );
  // Card-day score: visible wins, else Σ over distinct terminals of their largest k.
  const perTerminal = new Map<string, number>();
  const cardDay = new Map<string, number>();
  const keyOf: string[] = [];
  for (let i = 0; i < n; i += 1) {
    const key = `${days[i] ?? 0}:${rows.customer[i] ?? 0}`;
    keyOf.push(key);
    const s = rowScores[i] ?? 0;
    if (!cardDay.has(key)) cardDay.set(key, -1);
    if (s >= ORACLE_VISIBLE_SCORE) cardDay.set(key, ORACLE_VISIBLE_SCORE);
    else if (s > 0) {
      const tk = `${key}:${rows.terminal[i] ?? 0}`;
      perTerminal.set(tk, Math.max(perTerminal.get(tk) ?? 0, s));
    }
  }
  for (const [tk, k] of perTerminal) {
    const key = tk.slice(0, tk.lastIndexOf(':'));
    const cur = cardDay.get(key) ?? -1;
    if (cur < ORACLE_VISIBLE_SCORE) cardDay.set(key, Math.max(cur, 0) + k);
  }
  const keys = [...cardDay.keys()];
  const index = new Map(keys.map((k, j) => [k, j]));
  const rowKey = Int32Array.from(keyOf, (k) => index.get(k) ?? 0);
  const base = Float64Array.from(keys, (k) => cardDay.get(k) ?? -1);
  const random = sfc32(o.seed);
  const jitter = new Float64Array(keys.length);
  const scores = new Float64Array(n);
  const values: number[] = [];
  for (let r = 0; r < o.tieOrders; r += 1) {
    // Scores are integers (or ±constants): a jitter in [0, ½) only orders the ties.
    for (let j = 0; j < jitter.length; j += 1) jitter[j] = random() / 2;
    for (let i = 0; i < n; i += 1) {
      const j = rowKey[i] ?? 0;
      scores[i] = (base[j] ?? 0) + (jitter[j] ?? 0);
    }
    values.push(cardPrecisionAtK(scores, rows.isFraud, rows.customer, days, o.cardsPerDay).mean);
  }
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance =
    values.length < 2 ? 0 : values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1);
  return { mean, standardError: Math.sqrt(variance / values.length) };
}

/** The oracle bound of one test period. */
export interface OracleFoldBound {
  frauds: number;
  /** Scenario-2 frauds with no evidence known by t: the ones no model can tell apart. */
  darkFrauds: number;
  darkShare: number;
  auc_roc: number;
  average_precision: number;
  card_precision_at_100: number;
  /** Monte-Carlo standard error of the card precision (over tie orders). */
  card_precision_at_100_se: number;
}

/** Upper bounds of AUC ROC, average precision and card precision@k for one test period. */
export function oracleBound(
  rows: OracleRows,
  options: Partial<OracleBoundOptions> = {},
): OracleFoldBound {
  const { scores, darkFraud } = oracleRowScores(rows, options);
  const labels = Uint8Array.from({ length: scores.length }, (_, i) =>
    (rows.isFraud[i] ?? 0) > 0 ? 1 : 0,
  );
  const frauds = labels.reduce((a, b) => a + b, 0);
  const dark = darkFraud.reduce((a, b) => a + b, 0);
  const cp = oracleCardPrecision(rows, scores, options);
  return {
    frauds,
    darkFrauds: dark,
    darkShare: frauds === 0 ? 0 : dark / frauds,
    auc_roc: aucRoc(scores, labels),
    average_precision: expectedAveragePrecision(scores, labels),
    card_precision_at_100: cp.mean,
    card_precision_at_100_se: cp.standardError,
  };
}

/** The oracle bound per fold and its mean over folds (the `oracle_bound` of `evaluate --json`). */
export interface OracleBoundSummary {
  definition: string;
  auc_roc: number;
  average_precision: number;
  card_precision_at_100: number;
  folds: (OracleFoldBound & { fold: number; testStart: string })[];
}

/**
 * The oracle bound of every fold's test period. Needs the scenario of every fraud (simulated
 * data or a CSV with the scenario column); returns undefined when a test fraud has none.
 */
export function oracleBoundForFolds(
  table: FeatureTable,
  trace: TerminalTrace,
  folds: readonly Fold[],
  options: Partial<OracleBoundOptions> = {},
): OracleBoundSummary | undefined {
  const cols = table.featureNames.length;
  const amountCol = table.featureNames.indexOf('amount');
  const out: OracleBoundSummary['folds'] = [];
  for (const fold of folds) {
    const pick = <T extends Float64Array | Int32Array | Uint8Array | Int8Array>(a: T): number[] =>
      Array.from(fold.test, (i) => a[i] ?? 0);
    const rows: OracleRows = {
      eventTime: pick(table.eventTime),
      isFraud: pick(table.isFraud),
      scenario: pick(table.scenario),
      amount: Array.from(fold.test, (i) => table.features[i * cols + amountCol] ?? 0),
      customer: pick(table.customer),
      terminal: pick(trace.terminal),
      lastTxAtDelay: Array.from(fold.test, (i) => trace.lastTxAtDelay[i] ?? -Infinity),
      lastFraudAtDelay: Array.from(fold.test, (i) => trace.lastFraudAtDelay[i] ?? -Infinity),
    };
    const unknown = fold.test.some((i) => table.isFraud[i] === 1 && (table.scenario[i] ?? -1) < 1);
    if (unknown || amountCol < 0) return undefined;
    out.push({
      fold: fold.index,
      testStart: new Date(fold.testStartMs).toISOString().slice(0, 10),
      ...oracleBound(rows, options),
    });
  }
  const mean = (f: (b: OracleFoldBound) => number): number =>
    out.reduce((a, b) => a + f(b), 0) / Math.max(1, out.length);
  return {
    definition: ORACLE_BOUND_DEFINITION,
    auc_roc: mean((b) => b.auc_roc),
    average_precision: mean((b) => b.average_precision),
    card_precision_at_100: mean((b) => b.card_precision_at_100),
    folds: out,
  };
}
