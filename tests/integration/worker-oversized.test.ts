// Records over the size limit (FS_MAX_RECORD_BYTES) against the real Kafka: each one gets
// exactly one dead letter by reference (FS_RECORD_TOO_LARGE, its position, size and sha256, not
// its bytes) while every normal transaction around it gets exactly one verdict. One oversized
// record is near the broker's maximum, the case whose copying dead letter could never be
// produced. The oversized values are valid Transactions: only their size keeps them out.
import { createHash } from 'node:crypto';
import { ConfigResourceTypes } from 'kafkajs';
import { DEFAULT_WORKER_OPTIONS, type ScoringWorker } from '@fraudstream/workers';
import type { Transaction } from '@fraudstream/schemas';
import { RecordCollector } from '../support/collector';
import { startInProcessWorker } from '../support/in-process-worker';
import { testKafka, testProducer } from '../support/kafka';
import { TestModelStore } from '../support/model-store';
import { sleep } from '../support/services';
import {
  produceTransactions,
  simulatedStream,
  TransactionEncoder,
  type TestTransaction,
} from '../support/transactions';
import { WorkerFixture } from '../support/worker-fixture';

/** The declared default: the suite runs the worker as it ships. */
const LIMIT = DEFAULT_WORKER_OPTIONS.maxRecordBytes;
/** Near the broker's default message.max.bytes (1,048,588), which the topic inherits. */
const NEAR_BROKER_MAX = 900_000;

/** An oversized record as produced, and where it landed. */
interface Oversized {
  readonly what: string;
  readonly key: string;
  readonly value: Buffer;
  readonly headers: Record<string, Buffer>;
  readonly partition: number;
  offset?: string;
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function sizeOf(o: Pick<Oversized, 'key' | 'value' | 'headers'>): number {
  let size = Buffer.byteLength(o.key) + o.value.length;
  for (const [k, v] of Object.entries(o.headers)) size += Buffer.byteLength(k) + v.length;
  return size;
}

/** `tx` with a merchant category long enough that the encoded value is `bytes` long. */
function valueOfSize(encoder: TransactionEncoder, tx: Transaction, bytes: number): Buffer {
  let pad = bytes;
  for (;;) {
    const value = encoder.encode({ ...tx, merchant_category: 'x'.repeat(pad) });
    if (value.length === bytes) return value;
    // The string's length prefix grows by a byte now and then: converge in a step or two.
    pad -= value.length - bytes;
  }
}

describe('scoring worker: oversized records', () => {
  let store: TestModelStore;
  let fixture: WorkerFixture;
  let worker: ScoringWorker;
  let collector: RecordCollector;
  let encoder: TransactionEncoder;

  beforeAll(async () => {
    store = await TestModelStore.create(['champion-v1']);
    fixture = await WorkerFixture.create({ modelDir: store.dir, partitions: 4 });
    worker = await startInProcessWorker(fixture.env());
    collector = await RecordCollector.start(fixture.topics);
    encoder = await new TransactionEncoder().prepare();
  });

  afterAll(async () => {
    await collector?.stop();
    await worker?.stop('test done');
    await fixture?.cleanup([collector?.groupId ?? '']);
    await store?.destroy();
  });

  it('the test topic takes a record near the broker maximum', async () => {
    const admin = testKafka().admin();
    await admin.connect();
    try {
      const { resources } = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [
          {
            type: ConfigResourceTypes.TOPIC,
            name: fixture.topics.transactions,
            configNames: ['max.message.bytes'],
          },
        ],
      });
      const max = Number(resources[0]?.configEntries[0]?.configValue);
      expect(max).toBeGreaterThan(NEAR_BROKER_MAX + 10_000);
    } finally {
      await admin.disconnect();
    }
  });

  it('every normal transaction gets one verdict, every oversized record one dead letter by reference', async () => {
    const stream: TestTransaction[] = simulatedStream(300, fixture.id);
    const normal = stream.slice(0, 240).map((s) => s.tx);
    const after = stream.slice(240, 280).map((s) => s.tx);
    const [a, b, c] = stream.slice(280).map((s) => s.tx);
    if (!a || !b || !c) throw new Error('need three more transactions');

    const traceparent = Buffer.from('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    const justOverKey = a.customer_id;
    const justOverHeaders = { traceparent };
    const justOverValueBytes =
      LIMIT + 1 - sizeOf({ key: justOverKey, value: Buffer.alloc(0), headers: justOverHeaders });
    const oversized: Oversized[] = [
      {
        what: 'one byte over the limit',
        key: justOverKey,
        value: valueOfSize(encoder, a, justOverValueBytes),
        headers: justOverHeaders,
        partition: 0,
      },
      {
        what: 'near the broker maximum',
        key: b.customer_id,
        value: valueOfSize(encoder, b, NEAR_BROKER_MAX),
        headers: {},
        partition: 1,
      },
      {
        what: 'a small value with a huge header',
        key: c.customer_id,
        value: encoder.encode(c),
        headers: { traceparent, blob: Buffer.alloc(LIMIT, 7) },
        partition: 2,
      },
    ];
    expect(sizeOf(oversized[0] as Oversized)).toBe(LIMIT + 1);

    const producer = await testProducer();
    try {
      await produceTransactions(producer, fixture.topics.transactions, normal, encoder);
      // One send each: kafkajs puts a send's records for a partition into one batch, and the
      // broker's limit is per batch.
      for (const o of oversized) {
        const [meta] = await producer.send({
          topic: fixture.topics.transactions,
          acks: -1,
          messages: [{ key: o.key, value: o.value, headers: o.headers, partition: o.partition }],
        });
        o.offset = meta?.baseOffset;
      }
      // The partitions move on past them.
      await produceTransactions(producer, fixture.topics.transactions, after, encoder);
    } finally {
      await producer.disconnect();
    }

    const scored = [...normal, ...after];
    await collector.waitForDeadLetters(oversized.length);
    await collector.waitForVerdicts(scored.map((t) => t.transaction_id));
    // Whatever else was going to arrive (a duplicate, a late dead letter) has had time to.
    await sleep(3_000);

    expect(collector.verdicts).toHaveLength(scored.length);
    expect(collector.verdictIds()).toEqual(new Set(scored.map((t) => t.transaction_id)));
    expect(collector.deadLetters).toHaveLength(oversized.length);

    const serde = encoder.avro;
    for (const o of oversized) {
      const letters = collector.deadLetters.filter(
        (d) => d.source_partition === o.partition && String(d.source_offset) === o.offset,
      );
      expect({ what: o.what, letters: letters.length }).toEqual({ what: o.what, letters: 1 });
      const letter = letters[0];
      expect(letter).toMatchObject({
        source_topic: fixture.topics.transactions,
        source_partition: o.partition,
        reason_code: 'FS_RECORD_TOO_LARGE',
        attempt_count: 1,
        original_value: null,
        value_omitted: true,
        original_value_sha256: sha256(o.value),
        original_size_bytes: sizeOf(o),
        original_key: Buffer.from(o.key),
        key_omitted: false,
      });
      // Kept within its bound: the trace context stays, the huge header goes.
      expect(letter?.original_headers.map((h) => h.key)).toEqual(
        'traceparent' in o.headers ? ['traceparent'] : [],
      );
      expect(letter?.headers_omitted).toBe('blob' in o.headers ? 1 : 0);
      // Nothing of the value travelled: the whole dead letter is a few hundred bytes.
      expect((await serde.encode('DeadLetter', letter)).length).toBeLessThan(2_048);
    }
  });
});
