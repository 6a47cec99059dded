// The seam on librdkafka, through @confluentinc/kafka-javascript's KafkaJS-compatible API
// (Confluent's maintained client). librdkafka commits stored offsets itself on a timer, sends
// heartbeats from its own thread, and supports what kafkajs cannot: cooperative-sticky
// assignment, static membership (KIP-345) and the broker-driven group protocol (KIP-848).
// This module loads the native addon: only create-kafka-client.ts imports it, on demand.
import { createRequire } from 'node:module';
import { KafkaJS, librdkafkaVersion } from '@confluentinc/kafka-javascript';
import { KafkaCrashError } from '../errors';
import type { Logger, LogLevel } from '../logging/logger';
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
import { librdkafkaSecurityProperties, PLAINTEXT } from './kafka-security';
import { LibrdkafkaConsumer } from './librdkafka-consumer';
import type { PartitionOffset } from './records';
import { seamAdmin, seamProducer, toKafkajsMessages } from './kafkajs-api';

/** The librdkafka implementation of {@link KafkaClient}. */
export class LibrdkafkaClient implements KafkaClient {
  readonly name = 'librdkafka';
  readonly version: string;
  private readonly kafka: KafkaJS.Kafka;

  /** Builds the client (nothing connects until a producer, consumer or admin is asked for). */
  constructor(private readonly options: KafkaClientOptions) {
    this.kafka = new KafkaJS.Kafka({
      kafkaJS: {
        clientId: options.clientId,
        brokers: [...options.brokers],
        logLevel: librdkafkaLogLevel(options.logLevel),
        logger: librdkafkaLogger(options.logger, options.logLevel),
      },
      // TLS and SASL as librdkafka properties (the kafkaJS block's ssl/sasl would hide the CA).
      ...librdkafkaSecurityProperties(options.security ?? PLAINTEXT),
    });
    this.version = `librdkafka ${librdkafkaVersion} (@confluentinc/kafka-javascript ${packageVersion()})`;
  }

  async producer(options: ProducerOptions = {}): Promise<KafkaProducer> {
    // librdkafka retries a refused SASL login until its connect times out, tens of seconds later,
    // and only logs each refusal meanwhile: the first one fails the connect at once instead.
    let refused: (error: Error) => void = () => undefined;
    const loginRefused = new Promise<never>((_resolve, reject) => {
      refused = reject;
    });
    const logger = librdkafkaLogger(this.options.logger, this.options.logLevel, undefined, (m) =>
      refused(new Error(m)),
    );
    // acks=all is in the producer's configuration (newProducer).
    const producer = this.newProducer(undefined, options.deliveryTimeoutMs, logger);
    // Not disconnected on failure: librdkafka's disconnect waits for the connect to time out.
    return Promise.race([seamProducer(producer), loginRefused]);
  }

  async transactionalProducer(transactionalId: string): Promise<TransactionalProducer> {
    const producer = this.newProducer(transactionalId);
    await producer.connect();
    return {
      begin: async () => librdkafkaTransaction(await producer.transaction()),
      disconnect: () => producer.disconnect(),
    };
  }

  consumer(options: GroupConsumerOptions): GroupConsumer {
    const name = `consumer of ${options.topic} (group ${options.groupId})`;
    // The KafkaJS-compatible API only logs a consumer's fatal error (a static member fenced by
    // another with its group.instance.id, say) and leaves the consumer idle for good, so its
    // error log is where the worker learns that it must stop.
    const logger = librdkafkaLogger(this.options.logger, this.options.logLevel, (message) =>
      options.onCrash(new KafkaCrashError(name, { cause: new Error(message) })),
    );
    return new LibrdkafkaConsumer(this.kafka, options, this.options.logger, logger);
  }

  admin(): Promise<KafkaAdmin> {
    return seamAdmin(this.kafka.admin());
  }

  private newProducer(
    transactionalId?: string,
    deliveryTimeoutMs?: number,
    logger?: KafkaJS.Logger,
  ): KafkaJS.Producer {
    return this.kafka.producer({
      kafkaJS: {
        ...(logger === undefined ? {} : { logger }),
        // Only present when set: the client reads a key with an undefined value as set.
        ...(transactionalId === undefined ? {} : { transactionalId }),
        idempotent: true,
        acks: -1,
        allowAutoTopicCreation: false,
      },
      // librdkafka waits 5 ms by default to fill a batch; the pipeline already sends a chunk's
      // verdicts in one call, so waiting only adds latency.
      'linger.ms': 0,
      ...(deliveryTimeoutMs === undefined ? {} : { 'message.timeout.ms': deliveryTimeoutMs }),
    });
  }
}

function librdkafkaTransaction(t: KafkaJS.Transaction): KafkaTransaction {
  return {
    send: async (batches) => {
      await t.sendBatch({ topicMessages: toKafkajsMessages(batches) });
    },
    async commit(consumer: GroupConsumer, position: PartitionOffset) {
      if (!(consumer instanceof LibrdkafkaConsumer)) {
        throw new TypeError(
          'a librdkafka transaction commits the offsets of a librdkafka consumer only',
        );
      }
      await t.sendOffsets({
        consumer: consumer.native,
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

/** Maps a worker log level to the client's; below WARN is noise for operators. */
function librdkafkaLogLevel(level: LogLevel): KafkaJS.logLevel {
  if (level === 'debug') return KafkaJS.logLevel.INFO;
  return level === 'error' ? KafkaJS.logLevel.ERROR : KafkaJS.logLevel.WARN;
}

/** librdkafka's text for RD_KAFKA_RESP_ERR__FATAL (rd_kafka_err2str), in the client's error logs. */
const FATAL_ERROR_TEXT = 'Local: Fatal error';

/** librdkafka's text for a refused SASL login (RD_KAFKA_RESP_ERR__AUTHENTICATION). */
const AUTH_ERROR_TEXT = 'SASL authentication error';

/**
 * The client's logger interface, writing into the worker's JSON logger. `onFatal` is told once
 * when an error log reports librdkafka's fatal error, `onAuthFailure` once when one reports a
 * refused SASL login, whatever the log level.
 */
export function librdkafkaLogger(
  logger: Logger,
  level: LogLevel,
  onFatal?: (message: string) => void,
  onAuthFailure?: (message: string) => void,
): KafkaJS.Logger {
  let fatal = false;
  let authFailed = false;
  const make = (component: string, threshold: KafkaJS.logLevel): KafkaJS.Logger => {
    const log = logger.child({ component });
    let current = threshold;
    const fields = (extra?: object): Record<string, unknown> => ({ ...extra });
    return {
      error: (m, extra) => {
        if (current >= KafkaJS.logLevel.ERROR) log.error(m, fields(extra));
        if (onFatal !== undefined && !fatal && m.includes(FATAL_ERROR_TEXT)) {
          fatal = true;
          onFatal(m);
        }
        if (onAuthFailure !== undefined && !authFailed && m.includes(AUTH_ERROR_TEXT)) {
          authFailed = true;
          onAuthFailure(m);
        }
      },
      warn: (m, extra) => current >= KafkaJS.logLevel.WARN && log.warn(m, fields(extra)),
      info: (m, extra) => current >= KafkaJS.logLevel.INFO && log.info(m, fields(extra)),
      debug: (m, extra) => current >= KafkaJS.logLevel.DEBUG && log.debug(m, fields(extra)),
      namespace: (ns, nsLevel) => make(`librdkafka.${ns}`, nsLevel ?? current),
      setLogLevel: (l) => {
        current = l;
      },
    };
  };
  return make('librdkafka', librdkafkaLogLevel(level));
}

function packageVersion(): string {
  const pkg = createRequire(__filename)('@confluentinc/kafka-javascript/package.json') as {
    version?: unknown;
  };
  return typeof pkg.version === 'string' ? pkg.version : 'unknown';
}
