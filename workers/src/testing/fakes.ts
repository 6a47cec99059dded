// In-memory stand-ins for the pipeline's ports, for unit tests of the pipeline, the batch runner
// and the retry processor (no Redis, no TF). Not part of the public API.
import {
  AvroSerde,
  createEmbeddedRegistry,
  sampleTransaction,
  type Transaction,
} from '@fraudstream/schemas';
import type { DeliverySession } from '../pipeline/commit';
import type { FeatureInput, OnlineFeatures } from '../pipeline/feature-stage';
import type { DeliveryLedger } from '../pipeline/delivery-ledger';
import type { RetrySink } from '../pipeline/pipeline';
import type { Decision, ScoringModel } from '../pipeline/score-stage';
import type { RetryRequest, SourceRecord, TopicMessages } from '../pipeline/types';

/** Counts each transaction once per customer, like the real store (idempotent per id). */
export class MemoryFeatures implements OnlineFeatures {
  readonly counted = new Map<string, Set<string>>();
  private readonly vectors = new Map<string, Float32Array>();
  calls = 0;

  computeBatch(inputs: readonly FeatureInput[]): Promise<Float32Array[]> {
    this.calls += 1;
    return Promise.resolve(
      inputs.map((tx) => {
        const known = this.vectors.get(tx.transaction_id);
        if (known) return known;
        const seen = this.counted.get(tx.customer_id) ?? new Set<string>();
        seen.add(tx.transaction_id);
        this.counted.set(tx.customer_id, seen);
        const v = Float32Array.from([tx.amount, seen.size]);
        this.vectors.set(tx.transaction_id, v);
        return v;
      }),
    );
  }

  statelessBatch(inputs: readonly FeatureInput[]): Float32Array[] {
    return inputs.map((tx) => Float32Array.from([tx.amount, 1]));
  }

  inputOf(tx: Transaction): FeatureInput {
    return {
      transaction_id: tx.transaction_id,
      event_time: tx.event_time,
      customer_id: tx.customer_id,
      terminal_id: tx.terminal_id,
      amount: tx.amount_minor / 100,
    };
  }
}

/** score = min(1, amount / 250); thresholds 0.5 / 0.8. */
export function fakeModel(
  version = 'v-test',
  scale = 250,
): ScoringModel & { dispose(): void; disposed: boolean } {
  const thresholds = { review: 0.5, decline: 0.8 };
  const model = {
    version,
    thresholds,
    disposed: false,
    score: (vectors: readonly Float32Array[]) =>
      Promise.resolve(Float64Array.from(vectors.map((v) => Math.min(1, (v[0] ?? 0) / scale)))),
    decide: (score: number): Decision =>
      score >= thresholds.decline ? 'DECLINE' : score >= thresholds.review ? 'REVIEW' : 'APPROVE',
    explain: (vectors: readonly Float32Array[]) =>
      vectors.map((v) => [{ feature: 'amount', value: v[0] ?? 0, contribution: 1 }]),
    dispose: () => {
      model.disposed = true;
    },
  };
  return model;
}

/** A session that records what was sent and committed. */
export class RecordingSession implements DeliverySession {
  readonly sent: TopicMessages[] = [];
  commits = 0;
  aborts = 0;
  failSend: Error | undefined;

  constructor(readonly redeliversOnFailure = false) {}

  send(batches: readonly TopicMessages[]): Promise<void> {
    if (this.failSend) return Promise.reject(this.failSend);
    this.sent.push(...batches);
    return Promise.resolve();
  }

  commit(): Promise<void> {
    this.commits += 1;
    return Promise.resolve();
  }

  abort(): Promise<void> {
    this.aborts += 1;
    return Promise.resolve();
  }

  /** Messages sent to `topic`. */
  messages(topic: string): TopicMessages['messages'] {
    return this.sent.filter((b) => b.topic === topic).flatMap((b) => b.messages);
  }
}

/** A delivery ledger in memory; `failRead` / `failRecord` make the next calls reject. */
export class MemoryLedger implements DeliveryLedger {
  readonly ids = new Set<string>();
  reads = 0;
  failRead: Error | undefined;
  failRecord: Error | undefined;

  delivered(ids: readonly string[]): Promise<ReadonlySet<string>> {
    this.reads += 1;
    if (this.failRead) return Promise.reject(this.failRead);
    return Promise.resolve(new Set(ids.filter((id) => this.ids.has(id))));
  }

  record(ids: readonly string[]): Promise<void> {
    if (this.failRecord) return Promise.reject(this.failRecord);
    for (const id of ids) this.ids.add(id);
    return Promise.resolve();
  }
}

/** A retry sink that keeps the requests. */
export class RecordingRetrySink implements RetrySink {
  readonly requests: RetryRequest[] = [];
  fail: Error | undefined;

  enqueue(requests: readonly RetryRequest[]): Promise<void> {
    if (this.fail) return Promise.reject(this.fail);
    this.requests.push(...requests);
    return Promise.resolve();
  }
}

/** A serde over the embedded registry, for building input bytes. */
export async function testSerde(): Promise<AvroSerde> {
  const serde = new AvroSerde(createEmbeddedRegistry());
  await serde.prepare(['Transaction', 'Verdict', 'DeadLetter', 'FraudLabel']);
  return serde;
}

/** Source records of encoded sample transactions (or of raw bytes). */
export function sourceRecords(
  values: readonly (Buffer | null)[],
  topic = 'transactions',
  partition = 0,
): SourceRecord[] {
  return values.map((value, i) => ({
    topic,
    partition,
    offset: String(i),
    key: Buffer.from(`key-${i}`),
    value,
    headers: { traceparent: Buffer.from(`00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`) },
    timestamp: String(1_700_000_000_000 + i),
    attempt: 1,
    receivedAt: 1_700_000_000_100,
  }));
}

/** Encoded sample transaction `n` with overrides. */
export function encodedTransaction(
  serde: AvroSerde,
  n: number,
  overrides: Partial<Transaction> = {},
): Buffer {
  return serde.encodeSync('Transaction', sampleTransaction(n, overrides));
}
