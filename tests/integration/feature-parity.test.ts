// Offline/online feature parity: the same labelled stream through the MemoryFeatureStore and
// the RedisFeatureStore (real Redis, FS_REDIS_URL) must give the same vectors, and replaying a
// batch online must not count anything twice. Fails, never skips, when Redis is down.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import IORedis from 'ioredis';
import { simulateTransactions, writeLabelledCsv } from '@fraudstream/simulator';
import type { SimulatedTransaction } from '@fraudstream/simulator';
import type { FeatureLabel, FeatureStore } from '@fraudstream/models';
import { FEATURE_NAMES, MemoryFeatureStore, RedisFeatureStore } from '@fraudstream/models';
import { backfillCommand, backfillFeatures, replayFeatures } from '@fraudstream/models/training';

const REDIS_URL = process.env.FS_REDIS_URL ?? 'redis://127.0.0.1:16379';
const BATCH = 200;
const DAY_MS = 86_400_000;

/** Replays rows through a store in batches; labels are sent once their delay has passed. */
async function replay(
  store: FeatureStore,
  rows: readonly SimulatedTransaction[],
  delayDays: number,
): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  const pending: { at: number; label: FeatureLabel }[] = [];
  for (let start = 0; start < rows.length; start += BATCH) {
    const batch = rows.slice(start, start + BATCH);
    const firstTime = batch[0]?.tx.event_time ?? 0;
    const due = pending.filter((p) => p.at <= firstTime);
    if (due.length > 0) {
      // Alternate labels with and without event_time: the store must find the latter itself.
      await store.applyLabels(
        due.map((p, k) => (k % 2 === 0 ? p.label : { ...p.label, event_time: undefined })),
      );
      pending.splice(0, due.length);
    }
    out.push(...(await store.computeBatch(batch.map((r) => r.tx))));
    for (const r of batch) {
      if (r.truth.is_fraud) {
        pending.push({
          at: r.tx.event_time + delayDays * DAY_MS,
          label: { ...r.tx, event_time: r.tx.event_time, is_fraud: true },
        });
      }
    }
  }
  return out;
}

describe('feature parity between the offline and online stores', () => {
  const prefix = `fs:test:${randomUUID()}:`;
  let admin: IORedis;
  let rows: SimulatedTransaction[];

  beforeAll(async () => {
    admin = new IORedis(REDIS_URL, {
      maxRetriesPerRequest: 1,
      lazyConnect: true,
      connectTimeout: 3000,
    });
    admin.on('error', () => undefined);
    // Connecting must succeed: an unreachable Redis is a failure of this suite, not a skip.
    await admin.connect();
    // A small world over 35 days, so scenarios 2 and 3 appear and labels come back.
    rows = [...simulateTransactions({ seed: 7, days: 35, customers: 200, terminals: 400 })];
    expect(rows.some((r) => r.truth.scenario === 2)).toBe(true);
  });

  afterAll(async () => {
    if (admin === undefined) return;
    let cursor = '0';
    do {
      const [next, keys] = await admin.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await admin.del(...keys);
    } while (cursor !== '0');
    await admin.quit();
  });

  it.each([7, 1])('agrees to 1e-6 on every feature with a %s-day feedback delay', async (delay) => {
    const memory = new MemoryFeatureStore({ feedbackDelayDays: delay });
    const redis = new RedisFeatureStore({
      url: REDIS_URL,
      keyPrefix: `${prefix}d${delay}:`,
      feedbackDelayDays: delay,
    });
    try {
      const offline = await replay(memory, rows, delay);
      const online = await replay(redis, rows, delay);
      expect(online).toHaveLength(offline.length);
      let maxDiff = 0;
      let worst = '';
      for (let i = 0; i < offline.length; i += 1) {
        const a = offline[i] ?? new Float32Array();
        const b = online[i] ?? new Float32Array();
        expect(b).toHaveLength(FEATURE_NAMES.length);
        for (let c = 0; c < FEATURE_NAMES.length; c += 1) {
          const d = Math.abs((a[c] ?? 0) - (b[c] ?? 0));
          if (d > maxDiff) {
            maxDiff = d;
            worst = `row ${i} ${FEATURE_NAMES[c] ?? c}: ${a[c]} vs ${b[c]}`;
          }
        }
      }
      expect(maxDiff > 1e-6 ? worst : 'within 1e-6').toBe('within 1e-6');
      // The terminal-risk features must actually have seen labels, or parity would be trivial.
      const riskCol = FEATURE_NAMES.indexOf('terminal_risk_7d');
      expect(online.filter((v) => (v[riskCol] ?? 0) > 0).length).toBeGreaterThan(50);
    } finally {
      await redis.close();
    }
  });

  it('agrees when transactions arrive out of time order', async () => {
    // Reverses every run of 7 rows: minutes to hours late, so the stores insert into and
    // shift the middle of their series, not only the newest bucket.
    const shuffled: SimulatedTransaction[] = [];
    for (let start = 0; start < rows.length; start += 7) {
      shuffled.push(...rows.slice(start, start + 7).reverse());
    }
    const memory = new MemoryFeatureStore();
    const redis = new RedisFeatureStore({ url: REDIS_URL, keyPrefix: `${prefix}late:` });
    try {
      const offline = await replay(memory, shuffled, 7);
      const online = await replay(redis, shuffled, 7);
      let maxDiff = 0;
      for (let i = 0; i < offline.length; i += 1) {
        const a = offline[i] ?? new Float32Array();
        const b = online[i] ?? new Float32Array();
        for (let c = 0; c < FEATURE_NAMES.length; c += 1) {
          maxDiff = Math.max(maxDiff, Math.abs((a[c] ?? 0) - (b[c] ?? 0)));
        }
      }
      expect(online).toHaveLength(offline.length);
      expect(maxDiff).toBeLessThanOrEqual(1e-6);
    } finally {
      await redis.close();
    }
  });

  it('scores after a Redis backfill as the offline replay does', async () => {
    // `fraudstream backfill`'s path: 30 days of history into Redis, then day 31 scored online.
    const cut = Math.floor((rows[0]?.tx.event_time ?? 0) / DAY_MS) * DAY_MS + 30 * DAY_MS;
    const history = rows.filter((r) => r.tx.event_time < cut);
    const live = rows.filter((r) => r.tx.event_time >= cut && r.tx.event_time < cut + DAY_MS);
    const redis = new RedisFeatureStore({ url: REDIS_URL, keyPrefix: `${prefix}backfill:` });
    try {
      const summary = await backfillFeatures(redis, history, { batchSize: 250 });
      expect(summary.transactions).toBe(history.length);
      expect(summary.labelsApplied).toBe(history.filter((r) => r.truth.is_fraud).length);
      const online = await redis.computeBatch(live.map((r) => r.tx));
      const offline = replayFeatures(rows, { keepFromMs: cut, stopAtMs: cut + DAY_MS });
      expect(offline.rows).toBe(live.length);
      let maxDiff = 0;
      online.forEach((b, r) => {
        for (let c = 0; c < FEATURE_NAMES.length; c += 1) {
          const a = offline.features[r * FEATURE_NAMES.length + c] ?? NaN;
          maxDiff = Math.max(maxDiff, Math.abs(a - (b[c] ?? NaN)));
        }
      });
      expect(maxDiff).toBeLessThanOrEqual(1e-5);
      const riskCol = FEATURE_NAMES.indexOf('terminal_risk_7d');
      expect(online.filter((v) => (v[riskCol] ?? 0) > 0).length).toBeGreaterThan(0);
    } finally {
      await redis.close();
    }
  });

  it('backfills a user CSV from the command line, and again without counting it twice', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'fs-backfill-'));
    const file = path.join(dir, 'history.csv');
    const out: string[] = [];
    const log = jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      out.push(args.map(String).join(' '));
    });
    try {
      const history = rows.slice(0, 2000);
      await writeLabelledCsv(file, history);
      const keyPrefix = `${prefix}cli:`;
      const argv = ['--data', file, '--redis-url', REDIS_URL, '--key-prefix', keyPrefix];
      expect(await backfillCommand.run([...argv, '--json', '--quiet'])).toBe(0);
      const figures = JSON.parse(out[out.length - 1] ?? '{}') as Record<string, unknown>;
      expect(figures.transactions).toBe(history.length);
      expect(figures.labels_applied).toBe(history.filter((r) => r.truth.is_fraud).length);
      expect(figures.key_prefix).toBe(keyPrefix);
      // The state is there: the card of the first transaction has its series.
      const first = history[0];
      if (first === undefined) throw new Error('no history');
      expect(await admin.exists(`${keyPrefix}card:${first.tx.customer_id}`)).toBe(1);
      // A second run within the records' life counts nothing again: same vectors after it.
      const store = new RedisFeatureStore({ url: REDIS_URL, keyPrefix });
      try {
        const probe = {
          ...first.tx,
          transaction_id: 'probe-1',
          event_time: first.tx.event_time + 60_000,
        };
        const before = await store.computeBatch([probe]);
        expect(await backfillCommand.run([...argv, '--quiet'])).toBe(0);
        const after = await store.computeBatch([{ ...probe, transaction_id: 'probe-2' }]);
        const countCol = FEATURE_NAMES.indexOf('customer_nb_tx_1d');
        // probe-2 sees probe-1 as well, nothing else more.
        expect(after[0]?.[countCol]).toBe((before[0]?.[countCol] ?? NaN) + 1);
      } finally {
        await store.close();
      }
    } finally {
      log.mockRestore();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('does not count a redelivered batch twice, and returns the same vectors', async () => {
    const store = new RedisFeatureStore({ url: REDIS_URL, keyPrefix: `${prefix}dup:` });
    try {
      const batch = rows.slice(0, 300).map((r) => r.tx);
      const first = await store.computeBatch(batch);
      const again = await store.computeBatch(batch);
      expect(again.map((v) => Array.from(v))).toEqual(first.map((v) => Array.from(v)));
      // A new transaction after the redelivery sees each earlier one exactly once.
      const last = batch[batch.length - 1];
      if (last === undefined) throw new Error('empty batch');
      const probe = {
        ...last,
        transaction_id: `${last.transaction_id}-probe`,
        event_time: last.event_time + 1000,
      };
      const [vector] = await store.computeBatch([probe]);
      const expected =
        batch.filter(
          (t) => t.customer_id === probe.customer_id && t.event_time > probe.event_time - DAY_MS,
        ).length + 1;
      expect(vector?.[FEATURE_NAMES.indexOf('customer_nb_tx_1d')]).toBe(expected);
      // Labels are idempotent per transaction id as well.
      const label: FeatureLabel = { ...last, is_fraud: true };
      const once = await store.applyLabels([label]);
      const twice = await store.applyLabels([label, { ...label, event_time: undefined }]);
      expect(once.applied).toBe(1);
      expect(twice).toEqual({ applied: 0, duplicates: 2, genuine: 0, unknown: 0 });
    } finally {
      await store.close();
    }
  });
});
