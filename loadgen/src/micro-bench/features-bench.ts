// `fraudstream bench features`: feature read + update for a batch of transactions through
// RedisFeatureStore.computeBatch (one pipelined round trip, one Lua call per transaction),
// against the floor of any Redis feature store: one plain pipelined read of each key that the
// Lua call touches, for the same batch. The transactions come from the simulator in time order, so
// cards and terminals repeat as in production and their hashes hold realistic histories.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import IORedis from 'ioredis';
import { simulateTransactions } from '@fraudstream/simulator';
import type { SimulationParams } from '@fraudstream/simulator';
import type { FeatureOptions } from '@fraudstream/models';
import { DEFAULT_FEATURE_OPTIONS } from '@fraudstream/models';
import {
  DEFAULT_REDIS_FEATURE_STORE_OPTIONS,
  RedisFeatureStore,
  toFeatureStoreError,
} from '@fraudstream/models';
import type { FeatureInput } from '@fraudstream/models';
import { runAlternating, summarisePairs } from './ab-rounds';

/** Settings of the features benchmark. */
export interface FeaturesBenchOptions {
  /** @defaultValue FS_REDIS_URL, else 'redis://127.0.0.1:16379' */
  readonly redisUrl: string;
  /** Transactions per computeBatch call. @defaultValue 500 */
  readonly batchSize: number;
  /** Alternating A/B rounds, one fresh batch each. @defaultValue 30 */
  readonly rounds: number;
  /**
   * Transactions computed (untimed) before the rounds, so card and terminal hashes hold the
   * buckets of a running system rather than an empty store's. @defaultValue 30_000 (≈ 3 days)
   */
  readonly historyTransactions: number;
  /** The simulated world (defaults: the book's 5,000 cards and 10,000 terminals, seed 0). */
  readonly simulation: Readonly<Partial<SimulationParams>>;
  /** Feature computation. @defaultValue DEFAULT_FEATURE_OPTIONS */
  readonly featureOptions: Readonly<FeatureOptions>;
}

/** Defaults of a full run (the Redis URL is filled from the environment by the command). */
export const DEFAULT_FEATURES_BENCH_OPTIONS: Readonly<FeaturesBenchOptions> = Object.freeze({
  redisUrl: DEFAULT_REDIS_FEATURE_STORE_OPTIONS.url,
  batchSize: 500,
  rounds: 30,
  historyTransactions: 30_000,
  simulation: Object.freeze({ seed: 0, days: 30 }),
  featureOptions: DEFAULT_FEATURE_OPTIONS,
});

/** What `--smoke` changes: a short history and three rounds. */
export const SMOKE_FEATURES_BENCH_OPTIONS: Readonly<Partial<FeaturesBenchOptions>> = Object.freeze({
  rounds: 3,
  historyTransactions: 1_000,
});

/** Longest a batch's pipeline may take before the run fails (FS_FEATURE_STORE_TIMEOUT). */
const BENCH_COMMAND_TIMEOUT_MS = 30_000;

/** Keys the Lua call touches per transaction: the card's series, the terminal's, the tx record. */
export const KEYS_PER_TRANSACTION = 3;

/** What the features benchmark measured (times per transaction: batch time / batch size). */
export interface FeaturesBenchResult {
  /** The settings the run used, defaults filled in. */
  readonly options: FeaturesBenchOptions;
  readonly keyPrefix: string;
  readonly batchSize: number;
  readonly rounds: number;
  readonly historyTransactions: number;
  /** computeBatch, median over the rounds. */
  readonly computeUsPerTx: number;
  readonly computeTxPerS: number;
  /** The pipelined plain reads (KEYS_PER_TRANSACTION per transaction), median over the rounds. */
  readonly readUsPerTx: number;
  readonly readTxPerS: number;
  /** Median over the rounds of computeBatch time / plain-read time. */
  readonly computeVsRead: number;
  /** Share of the plain reads that found a value (the baseline reads real keys, not misses). */
  readonly readHitShare: number;
  /** Distinct cards and terminals in a measured batch, on average (how much they repeat). */
  readonly distinctCustomersPerBatch: number;
  readonly distinctTerminalsPerBatch: number;
  /** Keys of this run deleted afterwards. */
  readonly keysDeleted: number;
}

function simulatedInputs(
  count: number,
  params: Readonly<Partial<SimulationParams>>,
): FeatureInput[] {
  const out: FeatureInput[] = [];
  if (count === 0) return out;
  for (const { tx } of simulateTransactions(params)) {
    out.push({
      transaction_id: tx.transaction_id,
      event_time: tx.event_time,
      customer_id: tx.customer_id,
      terminal_id: tx.terminal_id,
      amount: tx.amount,
    });
    if (out.length >= count) break;
  }
  return out;
}

/** Deletes every key under `prefix` (SCAN + UNLINK: never blocks Redis on a large KEYS). */
async function deleteKeys(redis: Redis, prefix: string): Promise<number> {
  let deleted = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}

/** Runs the features benchmark under a key prefix of its own, deleted afterwards. */
export async function runFeaturesBench(
  options: Partial<FeaturesBenchOptions> = {},
  log: (line: string) => void = () => undefined,
): Promise<FeaturesBenchResult> {
  const o: FeaturesBenchOptions = { ...DEFAULT_FEATURES_BENCH_OPTIONS, ...options };
  // The stack's Redis is shared with workers and tests: a prefix no one else uses.
  const keyPrefix = `fs:bench:features:${Date.now().toString(36)}-${randomBytes(3).toString('hex')}:`;
  // History of at least one batch: round 0's plain reads read the batch computed before it.
  const history = Math.max(o.batchSize, o.historyTransactions);
  const inputs = simulatedInputs(history + o.rounds * o.batchSize, o.simulation);
  const batches: FeatureInput[][] = [];
  for (let i = history; i + o.batchSize <= inputs.length; i += o.batchSize) {
    batches.push(inputs.slice(i, i + o.batchSize));
  }
  const rounds = Math.min(o.rounds, batches.length);
  const redis = new IORedis(o.redisUrl, {
    maxRetriesPerRequest: 1,
    // Not the worker's 2 s: on a shared machine a batch can stall for seconds, and a benchmark
    // should measure that stall (medians absorb it) rather than die of it.
    commandTimeout: BENCH_COMMAND_TIMEOUT_MS,
    lazyConnect: true,
  });
  redis.on('error', () => undefined); // each command reports its own failure
  const store = new RedisFeatureStore({ ...o.featureOptions, keyPrefix }, redis);
  let keysDeleted = 0;
  try {
    try {
      await redis.connect();
    } catch (err) {
      throw toFeatureStoreError(err, `connect to ${o.redisUrl}`);
    }
    await store.ping();
    for (let i = 0; i < history; i += o.batchSize) {
      await store.computeBatch(inputs.slice(i, Math.min(i + o.batchSize, history)));
    }
    log(`history: ${history} transactions under ${keyPrefix}`);

    let hits = 0;
    let reads = 0;
    // The plain reads of a batch: every key the Lua call touches, read once with a GET (the
    // card's and the terminal's series, the transaction record).
    const readBatch = async (batch: readonly FeatureInput[]): Promise<void> => {
      const pipeline = redis.pipeline();
      for (const tx of batch) {
        const keys = store.keysOf(tx);
        pipeline.getBuffer(keys.customer).getBuffer(keys.terminal).getBuffer(keys.record);
      }
      let replies: [Error | null, unknown][] | null;
      try {
        replies = await pipeline.exec();
      } catch (err) {
        throw toFeatureStoreError(err, 'plain-read baseline');
      }
      for (const [err, value] of replies ?? []) {
        if (err !== null) throw toFeatureStoreError(err, 'plain-read baseline');
        if (value !== null) hits += 1;
      }
      reads += batch.length * KEYS_PER_TRANSACTION;
    };

    const lastHistory = inputs.slice(history - o.batchSize, history);
    // A (the reference) is the plain-read floor, B the store: the ratio reads "computeBatch costs N
    // times the plain reads of the same keys".
    const samples = await runAlternating(rounds, async (side, round) => {
      if (side === 'b') {
        const batch = batches[round] ?? [];
        const t0 = performance.now();
        await store.computeBatch(batch);
        return ((performance.now() - t0) * 1000) / batch.length;
      }
      // The batch computed before this round: every key and field it reads exists, whichever
      // side went first.
      const previous = round === 0 ? lastHistory : (batches[round - 1] ?? []);
      const t0 = performance.now();
      await readBatch(previous);
      return ((performance.now() - t0) * 1000) / previous.length;
    });
    const s = summarisePairs(samples);
    const measured = batches.slice(0, rounds);
    const distinct = (pick: (tx: FeatureInput) => string): number =>
      measured.reduce((n, b) => n + new Set(b.map(pick)).size, 0) / Math.max(1, measured.length);
    const result = {
      options: o,
      keyPrefix,
      batchSize: o.batchSize,
      rounds: s.rounds,
      historyTransactions: history,
      computeUsPerTx: s.bMedian,
      computeTxPerS: 1e6 / s.bMedian,
      readUsPerTx: s.aMedian,
      readTxPerS: 1e6 / s.aMedian,
      computeVsRead: s.ratioMedian,
      readHitShare: reads === 0 ? 0 : hits / reads,
      distinctCustomersPerBatch: distinct((tx) => tx.customer_id),
      distinctTerminalsPerBatch: distinct((tx) => tx.terminal_id),
    };
    keysDeleted = await deleteKeys(redis, keyPrefix);
    return { ...result, keysDeleted };
  } finally {
    if (keysDeleted === 0) {
      // A failed run still leaves nothing behind (best effort: Redis may be what failed).
      await deleteKeys(redis, keyPrefix).catch(() => 0);
    }
    await store.close();
    redis.disconnect();
  }
}
