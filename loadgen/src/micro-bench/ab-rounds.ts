// A against B in one process, as docs/benchmarks.md asks: on a shared machine the load drifts
// from second to second, so the two sides take turns (which side goes first flips every round,
// so warm caches and drift fall on both alike) and are compared round by round as a ratio.
import { median } from '../bench/bench-result';

/** One side of a comparison: `a` is the reference, `b` the contender. */
export type Side = 'a' | 'b';

/** What one round measured on each side (any unit, the same on both, e.g. µs per call). */
export interface RoundSample {
  readonly a: number;
  readonly b: number;
}

/** Medians over the rounds of a comparison. */
export interface PairedSummary {
  readonly rounds: number;
  /** Median of A's measurements. */
  readonly aMedian: number;
  /** Median of B's measurements. */
  readonly bMedian: number;
  /** Median of the per-round ratios B / A (a ratio of medians would pair unrelated rounds). */
  readonly ratioMedian: number;
}

/** The order of round `round` (from 0): A first in even rounds, B first in odd ones. */
export function roundOrder(round: number): readonly [Side, Side] {
  return round % 2 === 0 ? ['a', 'b'] : ['b', 'a'];
}

/**
 * Runs `rounds` rounds, each measuring both sides in `roundOrder`; resolves to the rounds'
 * measurements. `measure` is awaited one call at a time: the sides never overlap.
 */
export async function runAlternating(
  rounds: number,
  measure: (side: Side, round: number) => Promise<number>,
): Promise<RoundSample[]> {
  const out: RoundSample[] = [];
  for (let round = 0; round < rounds; round += 1) {
    const got: Partial<Record<Side, number>> = {};
    for (const side of roundOrder(round)) got[side] = await measure(side, round);
    out.push({ a: got.a ?? Number.NaN, b: got.b ?? Number.NaN });
  }
  return out;
}

/** Medians of each side and of the per-round ratio B / A; NaN everywhere for no rounds. */
export function summarisePairs(samples: readonly RoundSample[]): PairedSummary {
  if (samples.length === 0) {
    return { rounds: 0, aMedian: Number.NaN, bMedian: Number.NaN, ratioMedian: Number.NaN };
  }
  return {
    rounds: samples.length,
    aMedian: median(samples.map((s) => s.a)),
    bMedian: median(samples.map((s) => s.b)),
    ratioMedian: median(samples.map((s) => s.b / s.a)),
  };
}

/**
 * Calls per timed block so that a block lasts about `targetMs`, given one call's time: timer
 * resolution and loop overhead stay small against the block, and a slow path is not run for
 * minutes. At least 1, at most `maxCalls`.
 */
export function callsPerBlock(targetMs: number, oneCallMs: number, maxCalls = 100_000): number {
  if (!(oneCallMs > 0)) return maxCalls;
  return Math.min(maxCalls, Math.max(1, Math.round(targetMs / oneCallMs)));
}
