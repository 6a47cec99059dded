/**
 * Ranking metrics, computed as scikit-learn computes them (roc_auc_score,
 * average_precision_score, precision_recall_curve): thresholds at distinct scores, ties grouped.
 */

/** One point of the precision–recall curve per distinct score, highest threshold first. */
export interface PrPoint {
  threshold: number;
  precision: number;
  recall: number;
  truePositives: number;
  falsePositives: number;
}

/** Cumulative counts at each distinct score, scores descending (ties grouped). */
function cumulativeCounts(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
): { thresholds: number[]; tps: number[]; fps: number[]; positives: number; negatives: number } {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => (scores[b] ?? 0) - (scores[a] ?? 0));
  const thresholds: number[] = [];
  const tps: number[] = [];
  const fps: number[] = [];
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < n; k += 1) {
    const i = order[k] ?? 0;
    if ((labels[i] ?? 0) > 0) tp += 1;
    else fp += 1;
    const next = order[k + 1];
    if (next === undefined || scores[next] !== scores[i]) {
      thresholds.push(scores[i] ?? 0);
      tps.push(tp);
      fps.push(fp);
    }
  }
  return { thresholds, tps, fps, positives: tp, negatives: fp };
}

/** Area under the ROC curve (trapezoids over distinct thresholds; NaN without both classes). */
export function aucRoc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const { tps, fps, positives, negatives } = cumulativeCounts(scores, labels);
  if (positives === 0 || negatives === 0) return Number.NaN;
  let area = 0;
  let prevTp = 0;
  let prevFp = 0;
  for (let k = 0; k < tps.length; k += 1) {
    const tp = tps[k] ?? 0;
    const fp = fps[k] ?? 0;
    area += ((fp - prevFp) * (tp + prevTp)) / 2;
    prevTp = tp;
    prevFp = fp;
  }
  return area / (positives * negatives);
}

/** The precision–recall curve (without scikit-learn's extra (recall 0, precision 1) point). */
export function precisionRecallCurve(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
): PrPoint[] {
  const { thresholds, tps, fps, positives } = cumulativeCounts(scores, labels);
  return thresholds.map((threshold, k) => {
    const tp = tps[k] ?? 0;
    const fp = fps[k] ?? 0;
    return {
      threshold,
      precision: tp + fp === 0 ? 1 : tp / (tp + fp),
      recall: positives === 0 ? 0 : tp / positives,
      truePositives: tp,
      falsePositives: fp,
    };
  });
}

/** Average precision: Σ (Rₙ − Rₙ₋₁)·Pₙ over distinct thresholds, as average_precision_score. */
export function averagePrecision(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const curve = precisionRecallCurve(scores, labels);
  let ap = 0;
  let prevRecall = 0;
  for (const p of curve) {
    ap += (p.recall - prevRecall) * p.precision;
    prevRecall = p.recall;
  }
  return ap;
}

/** Best precision over thresholds whose recall is at least `minRecall` (0 if none). */
export function bestPrecisionAtRecall(curve: readonly PrPoint[], minRecall: number): number {
  let best = 0;
  for (const p of curve) if (p.recall >= minRecall && p.precision > best) best = p.precision;
  return best;
}

/** Best recall over thresholds whose precision is at least `minPrecision` (0 if none). */
export function bestRecallAtPrecision(curve: readonly PrPoint[], minPrecision: number): number {
  let best = 0;
  for (const p of curve) if (p.precision >= minPrecision && p.recall > best) best = p.recall;
  return best;
}

/** Precision and recall of the rule `score ≥ threshold`. */
export function precisionRecallAt(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  threshold: number,
): { precision: number; recall: number; flagged: number } {
  let tp = 0;
  let fp = 0;
  let positives = 0;
  for (let i = 0; i < scores.length; i += 1) {
    const y = (labels[i] ?? 0) > 0;
    if (y) positives += 1;
    if ((scores[i] ?? 0) >= threshold) {
      if (y) tp += 1;
      else fp += 1;
    }
  }
  return {
    precision: tp + fp === 0 ? 0 : tp / (tp + fp),
    recall: positives === 0 ? 0 : tp / positives,
    flagged: tp + fp,
  };
}

/**
 * Card precision@k (docs/simulator.md, "The evaluation protocol"): per day, rank that day's cards by their highest
 * score, take the top k, count the share with a fraud that day; cards detected on earlier days
 * are removed from later ones. Returns the mean over days and the per-day values.
 */
export function cardPrecisionAtK(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  cards: ArrayLike<number>,
  days: ArrayLike<number>,
  k = 100,
): { mean: number; perDay: number[] } {
  const byDay = new Map<number, number[]>();
  for (let i = 0; i < scores.length; i += 1) {
    const d = days[i] ?? 0;
    let rows = byDay.get(d);
    if (rows === undefined) {
      rows = [];
      byDay.set(d, rows);
    }
    rows.push(i);
  }
  const detected = new Set<number>();
  const perDay: number[] = [];
  for (const d of [...byDay.keys()].sort((a, b) => a - b)) {
    const best = new Map<number, { score: number; fraud: boolean }>();
    for (const i of byDay.get(d) ?? []) {
      const card = cards[i] ?? 0;
      if (detected.has(card)) continue;
      const s = scores[i] ?? 0;
      const y = (labels[i] ?? 0) > 0;
      const cur = best.get(card);
      if (cur === undefined) best.set(card, { score: s, fraud: y });
      else {
        if (s > cur.score) cur.score = s;
        if (y) cur.fraud = true;
      }
    }
    const ranked = [...best.entries()].sort((a, b) => b[1].score - a[1].score || a[0] - b[0]);
    let hits = 0;
    for (const [card, v] of ranked.slice(0, k)) {
      if (v.fraud) {
        hits += 1;
        detected.add(card);
      }
    }
    perDay.push(hits / k);
  }
  const mean = perDay.length === 0 ? 0 : perDay.reduce((a, b) => a + b, 0) / perDay.length;
  return { mean, perDay };
}
