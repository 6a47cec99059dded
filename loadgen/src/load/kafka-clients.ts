// Kafka clients of a load run, configured once: quiet logging (errors only), the Java-compatible
// partitioner (the same partition for a key as any other client), idempotent producers with
// acks=all and one request in flight (kafkajs' idempotence requires it).
import type { Producer } from 'kafkajs';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { applyKafkajsIdleFix } from '@fraudstream/workers/kafka';

/**
 * A kafkajs client for `brokers`, logging errors only (or nothing: `quiet` for admin clients
 * that poll on purpose until something is ready, whose expected errors would only be noise).
 */
export function createKafka(clientId: string, brokers: readonly string[], quiet = false): Kafka {
  applyKafkajsIdleFix();
  return new Kafka({
    clientId,
    brokers: [...brokers],
    logLevel: quiet ? logLevel.NOTHING : logLevel.ERROR,
    connectionTimeout: 3000,
    // About 25 s of retries in all: a loaded single-broker machine can take seconds to elect
    // leaders for new topics or to answer while the worker group rebalances.
    retry: { retries: 8, initialRetryTime: 100 },
  });
}

/**
 * An idempotent producer (acks=all, one request in flight, no topic auto-creation). Its retries
 * are bounded (kafkajs would retry an idempotent send forever): a load run must end, and report
 * a send that failed, when Kafka goes away for good.
 */
export function createIdempotentProducer(kafka: Kafka): Producer {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    retry: { retries: 8, initialRetryTime: 100 },
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
}
