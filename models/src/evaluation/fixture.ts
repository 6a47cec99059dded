import { readFile, writeFile } from 'node:fs/promises';
import { Random } from '@fraudstream/simulator';
import type { FeatureTable } from '../features/replay';
import type { Scorer } from '../model/scorer';

/** Feature rows and the scores a model version gave them: pins scoring across changes. */
export interface EvaluationFixture {
  modelVersion: string;
  features: string[];
  rows: { transaction_id: string; is_fraud: 0 | 1; features: number[]; score: number }[];
}

/**
 * Picks up to `size` rows (all frauds up to half of it, then genuine rows drawn with a fixed
 * seed), scores them with `scorer` and writes the fixture as JSON.
 */
export async function writeEvaluationFixture(
  file: string,
  scorer: Scorer,
  table: FeatureTable,
  candidates: ArrayLike<number>,
  size = 300,
): Promise<EvaluationFixture> {
  const cols = table.featureNames.length;
  const frauds: number[] = [];
  const genuine: number[] = [];
  for (let k = 0; k < candidates.length; k += 1) {
    const i = candidates[k] ?? 0;
    (table.isFraud[i] === 1 ? frauds : genuine).push(i);
  }
  const rng = new Random([size, 0x66697874]);
  const pick = [
    ...frauds.slice(0, Math.floor(size / 2)),
    ...rng
      .sampleIndices(genuine.length, size - Math.min(frauds.length, Math.floor(size / 2)))
      .map((k) => genuine[k] ?? 0),
  ].sort((a, b) => a - b);
  const x = new Float32Array(pick.length * cols);
  pick.forEach((i, k) => x.set(table.features.subarray(i * cols, (i + 1) * cols), k * cols));
  const scores = scorer.scoreBatch(x);
  const fixture: EvaluationFixture = {
    modelVersion: scorer.version,
    features: [...table.featureNames],
    rows: pick.map((i, k) => ({
      transaction_id: table.transactionIds[i] ?? '',
      is_fraud: table.isFraud[i] === 1 ? 1 : 0,
      features: Array.from(x.subarray(k * cols, (k + 1) * cols)),
      score: scores[k] ?? 0,
    })),
  };
  await writeFile(file, `${JSON.stringify(fixture)}\n`);
  return fixture;
}

/** Reads a fixture written by writeEvaluationFixture. */
export async function readEvaluationFixture(file: string): Promise<EvaluationFixture> {
  return JSON.parse(await readFile(file, 'utf8')) as EvaluationFixture;
}
