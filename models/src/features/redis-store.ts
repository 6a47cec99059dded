import type { ChainableCommander, Redis, RedisOptions } from 'ioredis';
import IORedis from 'ioredis';
import { FeatureStoreError } from '../errors';
import { MODEL_SETTINGS } from '../settings';
import { planBuckets, toCents } from './buckets';
import { computeFeatureVector } from './compute';
import type { CompiledFeatureOptions, FeatureOptions } from './options';
import { compileFeatureOptions } from './options';
import {
  COMPUTE_INPUTS,
  COMPUTE_SCRIPT,
  LABEL_SCRIPT,
  computeOutputs,
  seriesTransactionCount,
} from './redis-scripts';
import type { FeatureStore } from './store';
import type { FeatureInput, FeatureLabel, LabelResult, WindowAggregates } from './types';

/** Settings of the Redis feature store. */
export interface RedisFeatureStoreOptions extends FeatureOptions {
  /** Redis URL, used when no client is given. @defaultValue 'redis://127.0.0.1:16379' */
  url: string;
  /** Prefix of every key (tests use a unique one). @defaultValue 'fs:feat:' */
  keyPrefix: string;
  /** A command (a whole batch's pipeline) taking longer fails as retriable. @defaultValue 2000 */
  commandTimeoutMs: number;
  /**
   * How long a transaction's record is kept: idempotent replays within it get the same vector,
   * and labels without event_time find their bucket. @defaultValue 691_200_000 (8 days)
   */
  txRecordTtlMs: number;
}

/** Default Redis store options (URL and key prefix: the defaults of FS_REDIS_URL, FS_FEATURE_KEY_PREFIX). */
export const DEFAULT_REDIS_FEATURE_STORE_OPTIONS: Readonly<
  Pick<RedisFeatureStoreOptions, 'url' | 'keyPrefix' | 'commandTimeoutMs' | 'txRecordTtlMs'>
> = Object.freeze({
  url: MODEL_SETTINGS.redisUrl.default,
  keyPrefix: MODEL_SETTINGS.featureKeyPrefix.default,
  commandTimeoutMs: 2000,
  txRecordTtlMs: 8 * 86_400_000,
});

/**
 * Transactions per script call. A call holds Redis for its whole slice (about 0.1 ms a
 * transaction): slices keep other clients' commands from waiting behind a 500-record batch.
 */
const SCRIPT_SLICE = 64;

type ScriptedRedis = Redis & {
  fsLabel(...args: (string | number)[]): Promise<string>;
};
type ScriptedPipeline = ChainableCommander & {
  /** ioredis' Buffer-reply variant of a defined command: the reply is the packed doubles. */
  fsComputeBuffer(...args: (string | number | Buffer)[]): ScriptedPipeline;
  fsLabel(...args: (string | number)[]): ScriptedPipeline;
};

/**
 * Error replies with which a running Redis refuses commands for a while, and accepts them again
 * without anyone changing the request: out of memory, a read-only replica, a long script, a
 * failed snapshot, a dataset still loading, too few replicas.
 */
export const REDIS_UNAVAILABLE_REPLIES = [
  'OOM',
  'READONLY',
  'BUSY',
  'MISCONF',
  'LOADING',
  'MASTERDOWN',
  'NOREPLICAS',
  'TRYAGAIN',
] as const;

// Redis 7 keeps the code at the start even when a script's command is refused ("OOM command not
// allowed... script: <sha>, on @user_script:12."); Redis 6 wraps it in the script error ("ERR
// Error running script ...: @user_script: 12: -OOM command not allowed...").
const UNAVAILABLE_REPLY = new RegExp(`(?:^|\\s-)(${REDIS_UNAVAILABLE_REPLIES.join('|')})\\b`);

/** The code of an error reply that means Redis refuses commands for now (`OOM`...), else undefined. */
export function redisUnavailableReply(message: string): string | undefined {
  return UNAVAILABLE_REPLY.exec(message)?.[1];
}

/** Maps a client error to a typed, retriable-or-not FeatureStoreError. */
export function toFeatureStoreError(err: unknown, what: string): FeatureStoreError {
  if (err instanceof FeatureStoreError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (/timed? ?out/i.test(message)) {
    return new FeatureStoreError(
      'FS_FEATURE_STORE_TIMEOUT',
      `${what}: Redis did not answer within commandTimeoutMs (${message})`,
      true,
      { cause: err },
    );
  }
  // Checked before the script errors: the request is fine, Redis will take it again by itself.
  if (redisUnavailableReply(message) !== undefined) {
    return new FeatureStoreError(
      'FS_FEATURE_STORE_UNAVAILABLE',
      `${what}: Redis refuses commands for now (${message}); check its memory (maxmemory), role and persistence`,
      true,
      { cause: err },
    );
  }
  // Redis answered with an error reply (the script or the data is wrong): retrying won't help.
  // NOSCRIPT never gets here: ioredis resends a defined command as EVAL when it sees one.
  const isReply = err instanceof Error && err.name === 'ReplyError';
  if (isReply || /^(ERR|NOSCRIPT|WRONGTYPE)\b/.test(message)) {
    return new FeatureStoreError('FS_FEATURE_STORE_SCRIPT', `${what}: ${message}`, false, {
      cause: err,
    });
  }
  return new FeatureStoreError(
    'FS_FEATURE_STORE_UNAVAILABLE',
    `${what}: Redis unreachable (${message}); check FS_REDIS_URL and that Redis is up`,
    true,
    { cause: err },
  );
}

/**
 * Online feature state in Redis: one pipelined round trip per batch, one atomic Lua call per
 * slice of up to SCRIPT_SLICE transactions (EVALSHA, falling back to EVAL on NOSCRIPT, via
 * ioredis `defineCommand`).
 * Every key has a TTL, and stale buckets are pruned on access, so memory is bounded.
 * Single-node Redis: a script touches a customer and a terminal key that would not share a slot.
 */
export class RedisFeatureStore implements FeatureStore {
  readonly options: CompiledFeatureOptions;
  private readonly redis: ScriptedRedis;
  private readonly ownsClient: boolean;
  private readonly prefix: string;
  /** The compute script's leading arguments: the same for every call of this store. */
  private readonly scriptConstants: readonly number[];
  private closed = false;

  /** Connects (lazily) to `url`, or uses `client` (which the caller then owns and closes). */
  constructor(options: Partial<RedisFeatureStoreOptions> = {}, client?: Redis) {
    this.options = compileFeatureOptions(options);
    const o = { ...DEFAULT_REDIS_FEATURE_STORE_OPTIONS, ...options };
    if (!Number.isInteger(o.commandTimeoutMs) || o.commandTimeoutMs <= 0) {
      throw new FeatureStoreError(
        'FS_FEATURE_OPTIONS',
        `commandTimeoutMs: expected a positive integer, got ${String(o.commandTimeoutMs)}`,
        false,
      );
    }
    if (!Number.isInteger(o.txRecordTtlMs) || o.txRecordTtlMs <= 0) {
      throw new FeatureStoreError(
        'FS_FEATURE_OPTIONS',
        `txRecordTtlMs: expected a positive integer, got ${String(o.txRecordTtlMs)}`,
        false,
      );
    }
    this.prefix = o.keyPrefix;
    const f = this.options;
    this.scriptConstants = [
      f.customerStateMs,
      f.terminalStateMs,
      o.txRecordTtlMs,
      f.customerWindowBuckets.length,
      ...f.customerWindowBuckets,
      ...f.terminalWindowBuckets,
    ];
    this.ownsClient = client === undefined;
    const redisOptions: RedisOptions = {
      commandTimeout: o.commandTimeoutMs,
      maxRetriesPerRequest: 1,
      enableOfflineQueue: true,
      lazyConnect: false,
    };
    const redis = client ?? new IORedis(o.url, redisOptions);
    if (this.ownsClient) redis.on('error', () => undefined); // surfaced per command instead
    // The key count varies with the batch: it goes first in each call's arguments.
    redis.defineCommand('fsCompute', { lua: COMPUTE_SCRIPT });
    redis.defineCommand('fsLabel', { numberOfKeys: 3, lua: LABEL_SCRIPT });
    this.redis = redis as ScriptedRedis;
  }

  /** {@inheritDoc FeatureStore.computeBatch} */
  async computeBatch(txs: readonly FeatureInput[]): Promise<Float32Array[]> {
    if (txs.length === 0) return [];
    const o = this.options;
    const windows = o.customerWindowBuckets.length;
    const outputs = computeOutputs(windows);
    const pipeline = this.redis.pipeline() as ScriptedPipeline;
    for (let from = 0; from < txs.length; from += SCRIPT_SLICE) {
      const slice = txs.slice(from, from + SCRIPT_SLICE);
      const keys: string[] = [];
      const inputs = Buffer.alloc(slice.length * COMPUTE_INPUTS * 8);
      slice.forEach((tx, i) => {
        const plan = planBuckets(tx.event_time, o);
        const cents = toCents(tx.amount);
        const k = this.keysOf(tx);
        keys.push(k.customer, k.terminal, k.record);
        let at = i * COMPUTE_INPUTS * 8;
        for (const v of [
          cents,
          cents * cents,
          plan.customerBucket,
          plan.terminalBucket,
          plan.terminalVisibleEnd,
          plan.customerPruneBefore,
          plan.terminalPruneBefore,
          tx.event_time,
        ]) {
          at = inputs.writeDoubleLE(v, at);
        }
      });
      pipeline.fsComputeBuffer(keys.length, ...keys, ...this.scriptConstants, inputs);
    }
    const replies = (await this.exec(pipeline, 'computeBatch')) as Buffer[];
    const bytes = replies.reduce((n, r) => n + r.length, 0);
    if (bytes !== txs.length * outputs * 8) {
      throw new FeatureStoreError(
        'FS_FEATURE_STORE_SCRIPT',
        `computeBatch: ${bytes} reply bytes for ${txs.length} transactions of ${outputs} doubles`,
        false,
      );
    }
    const vectors: Float32Array[] = [];
    for (const reply of replies) {
      for (let at = 0; at < reply.length; at += outputs * 8) {
        const tx = txs[vectors.length] as FeatureInput;
        const agg = parseAggregates(reply, at, windows);
        vectors.push(Float32Array.from(computeFeatureVector(tx, agg, o)));
      }
    }
    return vectors;
  }

  /** {@inheritDoc FeatureStore.applyLabels} */
  async applyLabels(labels: readonly FeatureLabel[]): Promise<LabelResult> {
    const result: LabelResult = { applied: 0, duplicates: 0, genuine: 0, unknown: 0 };
    const frauds = labels.filter((l) => l.is_fraud);
    result.genuine = labels.length - frauds.length;
    if (frauds.length === 0) return result;
    const pipeline = this.redis.pipeline() as ScriptedPipeline;
    for (const label of frauds) {
      pipeline.fsLabel(
        `${this.prefix}l:${label.transaction_id}`,
        this.terminalKey(label.terminal_id),
        this.recordKey(label.transaction_id),
        label.event_time === undefined ? '' : label.event_time,
        this.options.terminalBucketMs,
        this.options.terminalStateMs,
        this.options.terminalStateMs,
      );
    }
    const replies = await this.exec(pipeline, 'applyLabels');
    for (const reply of replies) {
      if (reply === 'applied') result.applied += 1;
      else if (reply === 'duplicate') result.duplicates += 1;
      else result.unknown += 1;
    }
    return result;
  }

  /** The Redis keys of a transaction: its card's and terminal's series and its record. */
  keysOf(tx: Pick<FeatureInput, 'customer_id' | 'terminal_id' | 'transaction_id'>): {
    customer: string;
    terminal: string;
    record: string;
  } {
    return {
      customer: this.customerKey(tx.customer_id),
      terminal: this.terminalKey(tx.terminal_id),
      record: this.recordKey(tx.transaction_id),
    };
  }

  /** Key of a card's series (redis-scripts.ts describes the layout). */
  customerKey(customerId: string): string {
    return `${this.prefix}card:${customerId}`;
  }

  /** Transactions counted for a card since its state was created (an audit: no double count). */
  async customerTransactionCount(customerId: string): Promise<number> {
    try {
      return seriesTransactionCount(await this.redis.getBuffer(this.customerKey(customerId)));
    } catch (err) {
      throw toFeatureStoreError(err, 'customerTransactionCount');
    }
  }

  private terminalKey(terminalId: string): string {
    return `${this.prefix}term:${terminalId}`;
  }

  private recordKey(transactionId: string): string {
    return `${this.prefix}x:${transactionId}`;
  }

  /** Checks that Redis answers; throws a retriable FeatureStoreError when it does not. */
  async ping(): Promise<void> {
    try {
      await this.redis.ping();
    } catch (err) {
      throw toFeatureStoreError(err, 'ping');
    }
  }

  /** Closes the connection if this store opened it; safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (!this.ownsClient) return;
    try {
      await this.redis.quit();
    } catch {
      this.redis.disconnect();
    }
  }

  private async exec(pipeline: ChainableCommander, what: string): Promise<unknown[]> {
    let results: [Error | null, unknown][] | null;
    try {
      results = await pipeline.exec();
    } catch (err) {
      throw toFeatureStoreError(err, what);
    }
    if (results === null) {
      throw new FeatureStoreError(
        'FS_FEATURE_STORE_UNAVAILABLE',
        `${what}: pipeline aborted`,
        true,
      );
    }
    return results.map(([err, value]) => {
      if (err !== null) throw toFeatureStoreError(err, what);
      return value;
    });
  }
}

/** One transaction's aggregates from the script's packed reply, starting at byte `at`. */
function parseAggregates(reply: Buffer, at: number, windows: number): WindowAggregates {
  // The first double is the seen-before flag: a replay gets the first call's sums.
  const value = (k: number): number => reply.readDoubleLE(at + 8 * (1 + k));
  const take = (k: number): Float64Array => {
    const out = new Float64Array(windows);
    for (let w = 0; w < windows; w += 1) out[w] = value(k * windows + w);
    return out;
  };
  return {
    customerCount: take(0),
    customerCents: take(1),
    customerCents2: take(2),
    customerHigh: take(3),
    terminalCount: take(4),
    terminalFrauds: take(5),
    terminalLastFraudBucket: value(6 * windows),
    terminalFirstFraudBucket: value(6 * windows + 1),
    terminalCountSinceFirstFraud: value(6 * windows + 2),
  };
}
