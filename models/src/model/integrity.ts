// What lets a loader tell a model artifact is the one that was saved: the sha256 of each of its
// files, and golden vectors (inputs and the scores the model gave them when it was saved). A
// checksum catches a truncated or half-copied file; the golden scores catch a model that loads
// but computes something else (weights of another version, a corrupted topology, a backend that
// disagrees), which would otherwise score every transaction wrongly without an error.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Normalisation } from './normalisation';

/** manifest.json's `integrity` section. */
export interface ArtifactIntegrity {
  /** sha256 (hex) of each file of the TF.js model, by file name. */
  sha256: Record<string, string>;
  golden: GoldenVectors;
}

/** Raw feature rows and the scores the model gave them when it was saved. */
export interface GoldenVectors {
  rows: number[][];
  scores: number[];
  /** Largest difference from a saved score still accepted. */
  tolerance: number;
}

/** Accepted score difference: float32 rounding, far below any threshold's resolution. */
export const GOLDEN_TOLERANCE = 1e-4;

/** Standard deviations from the mean of each golden row (the last row alternates signs). */
const GOLDEN_OFFSETS = [-1, 0, 1, 2, 3];

/** sha256 (hex) of each of `files` in `dir`. */
export async function fileDigests(
  dir: string,
  files: readonly string[],
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const file of files) {
    out[file] = createHash('sha256')
      .update(await readFile(path.join(dir, file)))
      .digest('hex');
  }
  return out;
}

/** The files whose digest differs from `expected`, with both digests; empty when all match. */
export function digestMismatches(
  expected: Readonly<Record<string, string>>,
  actual: Readonly<Record<string, string>>,
): string[] {
  return Object.entries(expected)
    .filter(([file, digest]) => actual[file] !== digest)
    .map(([file, digest]) => `${file}: sha256 ${actual[file] ?? 'missing'}, expected ${digest}`);
}

/**
 * Golden input rows spread over the range the model was trained on: each feature at its
 * training mean plus k standard deviations (in the normalised space, mapped back to raw
 * values), for k in −1..3, and one row alternating +2 and −1 so features differ from each other.
 */
export function goldenRows(norm: Normalisation): number[][] {
  const raw = (c: number, k: number): number => {
    const y = (norm.mean[c] ?? 0) + k * (norm.std[c] ?? 1);
    // Inverse of the normalisation's sign·log1p|x|.
    return norm.log1p[c] === true ? Math.sign(y) * Math.expm1(Math.abs(y)) : y;
  };
  const cols = norm.mean.length;
  const rows = GOLDEN_OFFSETS.map((k) => Array.from({ length: cols }, (_, c) => raw(c, k)));
  rows.push(Array.from({ length: cols }, (_, c) => raw(c, c % 2 === 0 ? 2 : -1)));
  return rows;
}

/** Why `scores` do not match `golden` (first offending row), or undefined when they do. */
export function goldenMismatch(
  golden: GoldenVectors,
  scores: ArrayLike<number>,
): string | undefined {
  if (scores.length !== golden.scores.length) {
    return `${scores.length} golden scores, expected ${golden.scores.length}`;
  }
  for (let i = 0; i < scores.length; i += 1) {
    const got = scores[i] ?? Number.NaN;
    const want = golden.scores[i] ?? Number.NaN;
    if (!(Math.abs(got - want) <= golden.tolerance)) {
      return `golden row ${i} scores ${got}, expected ${want} ± ${golden.tolerance}`;
    }
  }
  return undefined;
}
