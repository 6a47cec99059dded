// Test input: small simulated streams (the simulator, ground truth beside each
// transaction) as Avro Transaction records, produced keyed by customer id.
import { simulateTransactions, type SimulatedTransaction } from '@fraudstream/simulator';
import {
  AvroSerde,
  createEmbeddedRegistry,
  toMinorUnits,
  type Transaction,
} from '@fraudstream/schemas';
import type { Producer } from 'kafkajs';
import { testKafka, testProducer } from './kafka';
import { uniqueName, waitFor } from './services';

/** A transaction with its ground truth. */
export interface TestTransaction {
  readonly tx: Transaction;
  readonly truth: SimulatedTransaction['truth'];
}

/**
 * The first `count` transactions of a small simulated world (few customers, so they repeat and
 * the customer windows fill). Ids carry `runId` so each test's transactions are its own.
 */
export function simulatedStream(count: number, runId: string, seed = 7): TestTransaction[] {
  const out: TestTransaction[] = [];
  for (const { tx, truth } of simulateTransactions({
    seed,
    customers: 100,
    terminals: 1000,
    days: 30,
  })) {
    out.push({
      tx: {
        transaction_id: `${runId}-${tx.transaction_id}`,
        event_time: tx.event_time,
        customer_id: `${runId}-c${tx.customer_id}`,
        terminal_id: `${runId}-t${tx.terminal_id}`,
        amount_minor: toMinorUnits(tx.amount, 'EUR'),
        currency: 'EUR',
        channel: 'POS',
        merchant_category: null,
        merchant_country: null,
      },
      truth,
    });
    if (out.length >= count) break;
  }
  return out;
}

/** Encodes Transaction records (embedded registry ids). */
export class TransactionEncoder {
  private readonly serde = new AvroSerde(createEmbeddedRegistry());

  /** Resolves the writer id; call once before encode. */
  async prepare(): Promise<this> {
    await this.serde.prepare(['Transaction', 'FraudLabel']);
    return this;
  }

  encode(tx: Transaction): Buffer {
    return this.serde.encodeSync('Transaction', tx);
  }

  /** The serde, for other records. */
  get avro(): AvroSerde {
    return this.serde;
  }
}

/** Produces transactions in order, keyed by customer id, in chunks of `chunk`. */
export async function produceTransactions(
  producer: Producer,
  topic: string,
  txs: readonly Transaction[],
  encoder: TransactionEncoder,
  chunk = 200,
): Promise<void> {
  for (let i = 0; i < txs.length; i += chunk) {
    await producer.send({
      topic,
      acks: -1,
      messages: txs
        .slice(i, i + chunk)
        .map((tx) => ({ key: tx.customer_id, value: encoder.encode(tx) })),
    });
  }
}

/** Produces `txs` to `topic` with a producer of its own, connected for this call only. */
export async function sendTransactions(topic: string, txs: readonly Transaction[]): Promise<void> {
  const producer = await testProducer();
  try {
    await produceTransactions(producer, topic, txs, await new TransactionEncoder().prepare());
  } finally {
    await producer.disconnect();
  }
}

/** One input record: where it is and which transaction it carries. */
export interface TransactionPosition {
  readonly offset: number;
  readonly transactionId: string;
}

/**
 * Reads `topic` from the beginning until `count` transactions came back, with a consumer group of
 * its own that it deletes after: each partition's transactions in offset order.
 */
export async function readTransactionPositions(
  topic: string,
  count: number,
): Promise<Map<number, TransactionPosition[]>> {
  const serde = (await new TransactionEncoder().prepare()).avro;
  const kafka = testKafka();
  const groupId = uniqueName('positions');
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 50 });
  const byPartition = new Map<number, TransactionPosition[]>();
  let read = 0;
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const { value } = await serde.decode(message.value, 'Transaction');
        const list = byPartition.get(partition) ?? [];
        list.push({ offset: Number(message.offset), transactionId: value.transaction_id });
        byPartition.set(partition, list);
        read += 1;
      },
    });
    await waitFor(`${count} transactions read back from ${topic}`, () =>
      read >= count ? true : undefined,
    );
  } finally {
    await consumer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteGroups([groupId]).finally(() => admin.disconnect());
  }
  for (const list of byPartition.values()) list.sort((a, b) => a.offset - b.offset);
  return byPartition;
}
