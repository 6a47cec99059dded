// The passthrough worker: a consumer group member on the transactions topic that copies every
// record (key, value, headers) to the decisions topic and commits, with the same delivery
// contract as the scoring worker (offsets committed only after the copy is acknowledged, acks
// all, idempotent producer). Run through the same harness, it measures what Kafka, kafkajs and
// one Node process cost on this machine before any scoring is done: the transport's ceiling.
import type { Message } from 'kafkajs';
import { BatchingSender } from '../wire/batching-sender';
import { createIdempotentProducer, createKafka } from '../load/kafka-clients';
import { OffsetCommitter } from '@fraudstream/workers/kafka';
import type { WorkerEnv, WorkerHandle } from './bench-types';

/**
 * Coalesces the copies of concurrently processed partitions into one produce request at a
 * time (kafkajs' idempotent producer cannot have two in flight); each caller waits for the ack
 * of the request that carried its records.
 */
class CoalescingSend {
  private readonly sender: BatchingSender;
  private nextSeq = 0;
  private readonly waiters: {
    endSeq: number;
    resolve: () => void;
    reject: (e: unknown) => void;
  }[] = [];

  constructor(send: (messages: Message[]) => Promise<unknown>) {
    this.sender = new BatchingSender(
      send,
      { maxBatchRecords: 10_000, maxInFlight: 1 },
      {
        acked: (_from, to) => this.settle(to, undefined),
        failed: (_from, to, error) => this.settle(to, error ?? new Error('send failed')),
      },
      () => 0,
    );
  }

  send(messages: readonly Message[]): Promise<void> {
    if (messages.length === 0) return Promise.resolve();
    for (const m of messages) {
      this.sender.enqueue(this.nextSeq, m);
      this.nextSeq += 1;
    }
    const endSeq = this.nextSeq;
    const done = new Promise<void>((resolve, reject) =>
      this.waiters.push({ endSeq, resolve, reject }),
    );
    this.sender.pump();
    return done;
  }

  private settle(toSeq: number, error: unknown): void {
    while (this.waiters.length > 0 && (this.waiters[0]?.endSeq ?? Infinity) <= toSeq) {
      const w = this.waiters.shift();
      if (error === undefined) w?.resolve();
      else w?.reject(error);
    }
  }
}

/** Starts a passthrough worker in this process; resolves once it is consuming. */
export async function startPassthroughWorker(env: WorkerEnv): Promise<WorkerHandle> {
  const kafka = createKafka(env.instanceId, env.brokers);
  const consumer = kafka.consumer({
    groupId: env.groupId,
    maxWaitTimeInMs: 100,
    allowAutoTopicCreation: false,
  });
  const producer = createIdempotentProducer(kafka);
  const copies = new CoalescingSend((messages) =>
    producer.send({ topic: env.topics.decisions, messages, acks: -1 }),
  );
  await producer.connect();
  await consumer.connect();
  await consumer.subscribe({ topics: [env.topics.transactions], fromBeginning: false });
  // Offsets are committed once a second, only up to copies Kafka acknowledged (kafkajs'
  // autoCommit would commit after every batch, inside the measured latency: offset-committer.ts).
  const committer = new OffsetCommitter(consumer, 1000);
  await consumer.run({
    partitionsConsumedConcurrently: 12,
    autoCommit: false,
    eachBatch: async (payload) => {
      const { batch } = payload;
      const messages: Message[] = batch.messages.map((m) => ({
        key: m.key,
        value: m.value,
        headers: m.headers,
      }));
      await copies.send(messages);
      const last = batch.messages[batch.messages.length - 1];
      if (last !== undefined) committer.processed(batch.topic, batch.partition, last.offset);
      await payload.heartbeat();
    },
  });
  let stopping: Promise<void> | undefined;
  return {
    pid: process.pid,
    stop: () => {
      stopping ??= (async () => {
        await committer.stop();
        await consumer.disconnect().catch(() => undefined);
        await producer.disconnect().catch(() => undefined);
      })();
      return stopping;
    },
  };
}
