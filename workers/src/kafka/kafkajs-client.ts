// The seam on kafkajs 2.2.4 (the design's client; its last release is from February 2023). It
// needs two repairs that live only on this path: the idle-loop fix (kafkajs-idle-fix.ts) and a
// timer commit instead of kafkajs' per-batch auto-commit (offset-committer.ts, kafkajs-consumer.ts).
import { createRequire } from 'node:module';
import { Kafka, Partitioners, type Producer, type Transaction } from 'kafkajs';
import { KafkajsConsumer } from './kafkajs-consumer';
import { applyKafkajsIdleFix } from './kafkajs-idle-fix';
import { kafkaLogCreator, kafkaLogLevel } from './kafkajs-log';
import { kafkajsSecurityOptions, PLAINTEXT } from './kafka-security';
import type {
  GroupConsumer,
  GroupConsumerOptions,
  KafkaAdmin,
  KafkaClient,
  KafkaClientOptions,
  KafkaProducer,
  KafkaTransaction,
  ProducerOptions,
  TransactionalProducer,
} from './kafka-client';
import type { PartitionOffset } from './records';
import { seamAdmin, seamProducer, toKafkajsMessages } from './kafkajs-api';
import { renewingProducer } from './kafkajs-producer-renewal';

/** The kafkajs implementation of {@link KafkaClient}. */
export class KafkajsClient implements KafkaClient {
  readonly name = 'kafkajs';
  readonly version: string;
  private readonly kafka: Kafka;

  /** Builds the kafkajs client (nothing connects until a producer, consumer or admin is asked for). */
  constructor(private readonly options: KafkaClientOptions) {
    applyKafkajsIdleFix();
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: [...options.brokers],
      ...kafkajsSecurityOptions(options.security ?? PLAINTEXT),
      logLevel: kafkaLogLevel(options.logLevel),
      logCreator: kafkaLogCreator(options.logger),
    });
    this.version = `kafkajs ${kafkajsVersion()}`;
  }

  /** The kafkajs client itself, for tooling that needs more than the seam (topic creation). */
  get native(): Kafka {
    return this.kafka;
  }

  producer(options: ProducerOptions = {}): Promise<KafkaProducer> {
    return renewingProducer(
      () => seamProducer(this.newProducer(undefined, options.deliveryTimeoutMs), -1),
      this.options.logger,
    );
  }

  async transactionalProducer(transactionalId: string): Promise<TransactionalProducer> {
    const producer = this.newProducer(transactionalId);
    await producer.connect();
    return {
      begin: async () => kafkajsTransaction(await producer.transaction()),
      disconnect: () => producer.disconnect(),
    };
  }

  consumer(options: GroupConsumerOptions): GroupConsumer {
    return new KafkajsConsumer(this.kafka, options, this.options.logger);
  }

  admin(): Promise<KafkaAdmin> {
    return seamAdmin(this.kafka.admin());
  }

  private newProducer(transactionalId?: string, deliveryTimeoutMs?: number): Producer {
    return this.kafka.producer({
      transactionalId,
      ...(deliveryTimeoutMs === undefined ? {} : { retry: retryWithin(deliveryTimeoutMs) }),
      idempotent: true,
      // kafkajs only guarantees ordering with idempotence when one request is in flight.
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // The Java-compatible murmur2 partitioner: a key lands where Java clients put it.
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }
}

/**
 * kafkajs bounds a send's retries by count, not time. Back-offs of 100, 200, 400, 800 ms and
 * then 1 s each (capped: a send must not sleep through a new leader's election or a broker's
 * return) add up to `ms` after this many retries.
 */
export function retryWithin(ms: number): {
  retries: number;
  initialRetryTime: number;
  maxRetryTime: number;
} {
  const initialRetryTime = 100;
  const maxRetryTime = 1000;
  let retries = 0;
  for (let waited = 0; waited < ms; retries += 1) {
    waited += Math.min(initialRetryTime * 2 ** retries, maxRetryTime);
  }
  return { retries: Math.max(1, retries), initialRetryTime, maxRetryTime };
}

function kafkajsTransaction(t: Transaction): KafkaTransaction {
  return {
    send: async (batches) => {
      await t.sendBatch({ topicMessages: toKafkajsMessages(batches) });
    },
    async commit(consumer: GroupConsumer, position: PartitionOffset) {
      if (!(consumer instanceof KafkajsConsumer)) {
        throw new TypeError('a kafkajs transaction commits the offsets of a kafkajs consumer only');
      }
      await t.sendOffsets({
        consumerGroupId: consumer.groupId,
        topics: [
          {
            topic: position.topic,
            partitions: [{ partition: position.partition, offset: position.offset }],
          },
        ],
      });
      await t.commit();
    },
    async abort() {
      if (t.isActive()) await t.abort();
    },
  };
}

function kafkajsVersion(): string {
  // kafkajs exports no version; its package.json says it.
  const pkg = createRequire(__filename)('kafkajs/package.json') as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : 'unknown';
}
