import { EvaluationError } from '../errors';
import type { FeatureTable } from '../features/replay';

const DAY_MS = 86_400_000;

/** The evaluation protocol of docs/simulator.md, "The evaluation protocol". */
export interface ProtocolOptions {
  /** Label delay: gap between training and test, and when frauds become known. @defaultValue 7 */
  feedbackDelayDays: number;
  /** @defaultValue 7 */
  trainDays: number;
  /** @defaultValue 7 */
  testDays: number;
  /** Prequential folds, each shifted back by `foldStepDays`. @defaultValue 4 */
  folds: number;
  /** @defaultValue 7 */
  foldStepDays: number;
  /** Start of the most recent fold's training period (epoch ms, 00:00 UTC). @defaultValue 2018-08-15 */
  lastTrainStartMs: number;
  /** Share of the training period's cards held out to choose thresholds. @defaultValue 0.2 */
  validationShare: number;
}

/** The book's protocol: 7-day delay, 4 weekly folds, last training period from 2018-08-15. */
export const DEFAULT_PROTOCOL_OPTIONS: Readonly<ProtocolOptions> = Object.freeze({
  feedbackDelayDays: 7,
  trainDays: 7,
  testDays: 7,
  folds: 4,
  foldStepDays: 7,
  lastTrainStartMs: Date.parse('2018-08-15T00:00:00Z'),
  validationShare: 0.2,
});

/** Row indices of one fold. */
export interface Fold {
  /** 0 is the most recent fold. */
  index: number;
  trainStartMs: number;
  /** First day of the test period (training end + the delay, rounded up to whole days). */
  testStartMs: number;
  /** Training rows the model is fitted on. */
  fit: Int32Array;
  /**
   * Training-period rows of held-out cards, without the cards known to be compromised by each
   * day (as the test rows): thresholds are chosen on these only.
   */
  validation: Int32Array;
  /** Test rows, without the cards known to be compromised by each test day. */
  test: Int32Array;
}

/** Days from the first training day to the end of the last test day, for one fold. */
export function foldSpanDays(o: ProtocolOptions): number {
  return o.trainDays + Math.ceil(o.feedbackDelayDays) + o.testDays;
}

/** First and last (exclusive) instants the protocol reads, for simulating only what it needs. */
export function protocolRangeMs(o: ProtocolOptions): { fromMs: number; toMs: number } {
  return {
    fromMs: o.lastTrainStartMs - (o.folds - 1) * o.foldStepDays * DAY_MS,
    toMs: o.lastTrainStartMs + foldSpanDays(o) * DAY_MS,
  };
}

/** FNV-1a of a card id: the validation hold-out depends on the card, not on row order. */
function cardHash(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i += 1) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return (h >>> 0) / 4294967296;
}

/** Every fraud's event time per card, ascending: what "known compromised" is looked up in. */
function fraudTimesByCard(table: FeatureTable): Map<number, number[]> {
  const byCard = new Map<number, number[]>();
  for (let i = 0; i < table.rows; i += 1) {
    if (table.isFraud[i] !== 1) continue;
    const card = table.customer[i] ?? 0;
    const times = byCard.get(card);
    if (times === undefined) byCard.set(card, [table.eventTime[i] ?? 0]);
    else times.push(table.eventTime[i] ?? 0);
  }
  for (const times of byCard.values()) times.sort((a, b) => a - b);
  return byCard;
}

/** True when `times` (ascending) holds a time in [fromMs, toMs). */
function anyIn(times: readonly number[] | undefined, fromMs: number, toMs: number): boolean {
  if (times === undefined || fromMs >= toMs) return false;
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((times[mid] ?? 0) < fromMs) lo = mid + 1;
    else hi = mid;
  }
  return lo < times.length && (times[lo] ?? 0) < toMs;
}

/**
 * Splits a feature table into the protocol's folds. Rows of a card already known to be
 * compromised on their day T (a fraud of the card's, labelled by T − delay) are dropped from the
 * test AND the validation rows, so thresholds are chosen on the population they are applied to.
 * Test day T knows the frauds in [training start, T − delay), as in the book; validation day T,
 * inside the training period, knows the frauds of the `trainDays` before T − delay, the history
 * the first test day has (cut at the first row the table keeps).
 */
export function buildFolds(table: FeatureTable, o: ProtocolOptions): Fold[] {
  const delayMs = Math.round(o.feedbackDelayDays * DAY_MS);
  const heldOut = table.customers.map((id) => cardHash(id) < o.validationShare);
  const frauds = fraudTimesByCard(table);
  const knownBy = (i: number, historyFromMs: (dayStart: number) => number): boolean => {
    const dayStart = Math.floor((table.eventTime[i] ?? 0) / DAY_MS) * DAY_MS;
    const times = frauds.get(table.customer[i] ?? 0);
    return anyIn(times, historyFromMs(dayStart), dayStart - delayMs);
  };
  const folds: Fold[] = [];
  for (let f = 0; f < o.folds; f += 1) {
    const trainStartMs = o.lastTrainStartMs - f * o.foldStepDays * DAY_MS;
    const trainEndMs = trainStartMs + o.trainDays * DAY_MS;
    const testStartMs = trainStartMs + (o.trainDays + Math.ceil(o.feedbackDelayDays)) * DAY_MS;
    const testEndMs = testStartMs + o.testDays * DAY_MS;
    const fit: number[] = [];
    const validation: number[] = [];
    const test: number[] = [];
    const validationHistory = (dayStart: number): number =>
      dayStart - delayMs - o.trainDays * DAY_MS;
    for (let i = 0; i < table.rows; i += 1) {
      const t = table.eventTime[i] ?? 0;
      if (t >= trainStartMs && t < trainEndMs) {
        if (heldOut[table.customer[i] ?? 0] !== true) fit.push(i);
        else if (!knownBy(i, validationHistory)) validation.push(i);
      } else if (t >= testStartMs && t < testEndMs && !knownBy(i, () => trainStartMs)) {
        test.push(i);
      }
    }
    const span = `fold ${f} (training from ${new Date(trainStartMs).toISOString().slice(0, 10)})`;
    if (fit.length === 0)
      throw new EvaluationError(`${span}: no transactions in the training period`);
    if (test.length === 0) throw new EvaluationError(`${span}: no transactions in the test period`);
    folds.push({
      index: f,
      trainStartMs,
      testStartMs,
      fit: Int32Array.from(fit),
      validation: Int32Array.from(validation),
      test: Int32Array.from(test),
    });
  }
  return folds;
}

/** Day number (days since the epoch, UTC) of each listed row. */
export function rowDays(table: FeatureTable, rows: Int32Array): Int32Array {
  return Int32Array.from(rows, (i) => Math.floor((table.eventTime[i] ?? 0) / DAY_MS));
}
