// A tiny stand-in for the scoring worker, for the load generator's own tests: a kafkajs
// consumer group member that decodes each Transaction and produces a Verdict, DECLINE above
// an amount and APPROVE below (the real worker is tested in its own suites). It commits only
// after the verdicts are acknowledged, like the real one, and remembers every id it scored.
import type { StartWorker, WorkerHandle } from '@fraudstream/loadgen';
import type { Transaction, Verdict } from '@fraudstream/schemas';
import { AvroSerde, createEmbeddedRegistry } from '@fraudstream/schemas';
import { Kafka, logLevel, Partitioners } from 'kafkajs';

/** Amounts (minor units) at or above which the echo worker declines. */
export const ECHO_DECLINE_FROM_MINOR = 15_000;

/** An echo worker's handle, with what it scored. */
export interface EchoWorkerHandle extends WorkerHandle {
  /** How many times each transaction id was scored. */
  readonly scored: ReadonlyMap<string, number>;
  /** The `traceparent` header each transaction arrived with. */
  readonly traceparents: ReadonlyMap<string, string>;
}

/** Verdict of the echo worker for a transaction. */
export function echoVerdict(tx: Transaction, receivedAt: number): Verdict {
  const decline = tx.amount_minor >= ECHO_DECLINE_FROM_MINOR;
  return {
    transaction_id: tx.transaction_id,
    customer_id: tx.customer_id,
    score: decline ? 0.99 : 0.01,
    decision: decline ? 'DECLINE' : 'APPROVE',
    thresholds: { review: 0.5, decline: 0.8 },
    model_version: 'echo',
    reason_codes: [],
    degraded: false,
    degraded_reason: null,
    event_time: tx.event_time,
    received_at: receivedAt,
    scored_at: Date.now(),
  };
}

/** Starts an echo worker for a bench WorkerEnv (so it also serves as a bench launcher). */
export const startEchoWorker = async (
  env: Parameters<StartWorker>[0],
): Promise<EchoWorkerHandle> => {
  const serde = new AvroSerde(createEmbeddedRegistry());
  await serde.prepare(['Verdict']);
  const kafka = new Kafka({
    clientId: env.instanceId,
    brokers: [...env.brokers],
    logLevel: logLevel.ERROR,
  });
  const consumer = kafka.consumer({ groupId: env.groupId, maxWaitTimeInMs: 50 });
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  const scored = new Map<string, number>();
  const traceparents = new Map<string, string>();
  await producer.connect();
  await consumer.connect();
  await consumer.subscribe({ topics: [env.topics.transactions], fromBeginning: false });
  await consumer.run({
    eachBatch: async (payload) => {
      const receivedAt = Date.now();
      const messages = [];
      for (const m of payload.batch.messages) {
        const { value: tx } = await serde.decode(m.value, 'Transaction');
        scored.set(tx.transaction_id, (scored.get(tx.transaction_id) ?? 0) + 1);
        const traceparent = m.headers?.traceparent;
        if (traceparent !== undefined) traceparents.set(tx.transaction_id, traceparent.toString());
        messages.push({
          key: m.key,
          value: serde.encodeSync('Verdict', echoVerdict(tx, receivedAt)),
          headers: m.headers,
        });
      }
      if (messages.length > 0)
        await producer.send({ topic: env.topics.decisions, messages, acks: -1 });
    },
  });
  let stopping: Promise<void> | undefined;
  return {
    scored,
    traceparents,
    stop: () => {
      stopping ??= (async () => {
        await consumer.disconnect();
        await producer.disconnect();
      })();
      return stopping;
    },
  };
};
