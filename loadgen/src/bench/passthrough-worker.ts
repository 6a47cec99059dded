// The passthrough worker: a consumer group member on the transactions topic that copies every
// record (key, value, headers) to the decisions topic and commits, with the same delivery
// contract as the scoring worker (offsets resolved, and so committed, only after the copy is
// acknowledged; acks all, idempotent producer). It runs on the worker's own Kafka seam
// (`@fraudstream/workers/kafka`) with the client FS_KAFKA_CLIENT names, so that run through the
// same harness it measures what Kafka, that client and one Node process cost on this machine
// before any scoring is done: the transport's ceiling, client by client.
import { DEFAULT_WORKER_OPTIONS, createJsonLogger, type Logger } from '@fraudstream/workers';
import {
  createKafkaClient,
  type ConsumedRecord,
  type KafkaProducer,
  type OutboundMessage,
} from '@fraudstream/workers/kafka';
import { BatchingSender } from '../wire/batching-sender';
import type { WorkerEnv, WorkerHandle } from './bench-types';

/**
 * Consumer settings of the passthrough worker: the scoring worker's defaults (worker-options.ts),
 * so the two consume alike; offsets are committed on the worker's timer, only up to copies Kafka
 * acknowledged.
 */
const CONSUMER = Object.freeze({
  partitionsConsumedConcurrently: DEFAULT_WORKER_OPTIONS.partitionsConsumedConcurrently,
  maxBatchSize: DEFAULT_WORKER_OPTIONS.maxBatchSize,
  sessionTimeoutMs: DEFAULT_WORKER_OPTIONS.sessionTimeoutMs,
  heartbeatIntervalMs: DEFAULT_WORKER_OPTIONS.heartbeatIntervalMs,
  fetchMaxWaitMs: DEFAULT_WORKER_OPTIONS.fetchMaxWaitMs,
  maxBytesPerPartition: DEFAULT_WORKER_OPTIONS.maxBytesPerPartition,
  commitIntervalMs: DEFAULT_WORKER_OPTIONS.commitIntervalMs,
});

/** What a passthrough worker is started with besides its {@link WorkerEnv}. */
export interface PassthroughOptions {
  /** Where its client logs go. @defaultValue warnings and errors as JSON lines on stderr */
  readonly logger?: Logger;
  /** The consumer stopped for good. @defaultValue logged */
  readonly onCrash?: (error: Error) => void;
}

/**
 * Coalesces the copies of concurrently processed partitions into one produce request at a
 * time (kafkajs' idempotent producer cannot have two in flight; both clients get the same
 * treatment); each caller waits for the ack of the request that carried its records.
 */
export class CoalescingSend {
  private readonly sender: BatchingSender<OutboundMessage>;
  private nextSeq = 0;
  private readonly waiters: {
    endSeq: number;
    resolve: () => void;
    reject: (e: unknown) => void;
  }[] = [];

  constructor(send: (messages: OutboundMessage[]) => Promise<unknown>) {
    this.sender = new BatchingSender<OutboundMessage>(
      send,
      { maxBatchRecords: 10_000, maxInFlight: 1 },
      {
        acked: (_from, to) => this.settle(to, undefined),
        failed: (_from, to, error) => this.settle(to, error ?? new Error('send failed')),
      },
      () => 0,
    );
  }

  send(messages: readonly OutboundMessage[]): Promise<void> {
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

/**
 * The copy of a consumed record: same key, value and headers (a header repeated on the record
 * keeps its last value, the one a reader of the header gets; absent values are dropped).
 */
export function copyOf(record: ConsumedRecord): OutboundMessage {
  const headers: Record<string, Buffer | string> = {};
  for (const [name, value] of Object.entries(record.headers)) {
    const last: Buffer | string | undefined =
      value === undefined || typeof value === 'string' || Buffer.isBuffer(value)
        ? value
        : value[value.length - 1];
    if (last !== undefined) headers[name] = last;
  }
  return { key: record.key, value: record.value ?? Buffer.alloc(0), headers };
}

/** Warnings and errors as JSON lines on stderr (stdout may carry a benchmark's `--json`). */
function defaultLogger(env: WorkerEnv): Logger {
  return createJsonLogger({
    level: 'warn',
    write: (line) => void process.stderr.write(line),
    bindings: { component: 'passthrough', instanceId: env.instanceId },
  });
}

/** Starts a passthrough worker in this process; resolves once it is consuming. */
export async function startPassthroughWorker(
  env: WorkerEnv,
  options: PassthroughOptions = {},
): Promise<WorkerHandle> {
  const logger = options.logger ?? defaultLogger(env);
  const client = await createKafkaClient(env.kafkaClient ?? 'kafkajs', {
    clientId: env.instanceId,
    brokers: env.brokers,
    logger,
    logLevel: logger.level,
  });
  const producer: KafkaProducer = await client.producer();
  const topic = env.topics.decisions;
  const copies = new CoalescingSend((messages) => producer.send([{ topic, messages }]));
  const consumer = client.consumer({
    ...CONSUMER,
    groupId: env.groupId,
    topic: env.topics.transactions,
    commitOffsets: true,
    onCrash:
      options.onCrash ??
      ((error) => logger.error('passthrough consumer crashed', { error: error.message })),
  });
  try {
    await consumer.start(async (batch, control) => {
      if (batch.records.length === 0) return;
      await copies.send(batch.records.map(copyOf));
      // Only now, the copies acknowledged: the next commit moves past them.
      const last = batch.records[batch.records.length - 1];
      if (last !== undefined) control.resolveOffset(last.offset);
      await control.heartbeat();
    });
  } catch (error) {
    await consumer.stop().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
    throw error;
  }
  let stopping: Promise<void> | undefined;
  return {
    pid: process.pid,
    stop: () => {
      stopping ??= (async () => {
        // The consumer commits what its batches resolved before it leaves the group.
        await consumer.stop().catch(() => undefined);
        await producer.disconnect().catch(() => undefined);
      })();
      return stopping;
    },
  };
}
