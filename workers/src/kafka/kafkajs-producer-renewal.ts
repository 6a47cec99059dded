// kafkajs' idempotent producer keeps its producer id and sequence numbers for its whole life. When
// a partition's leader changes under it (a broker killed on the 3-node cluster) the new leader
// can answer OUT_OF_ORDER_SEQUENCE_NUMBER, and kafkajs neither bumps its epoch nor resets the
// sequence (librdkafka does, KIP-360): every later send to that partition fails the same way,
// forever. The only way out is a new producer, which gets a new producer id.
import { hasKafkajsErrorType } from '../errors';
import type { Logger } from '../logging/logger';
import type { KafkaProducer } from './kafka-client';

// kafkajs error types after which the producer's idempotence state is useless.
const STUCK = new Set([
  'OUT_OF_ORDER_SEQUENCE_NUMBER',
  'UNKNOWN_PRODUCER_ID',
  'INVALID_PRODUCER_EPOCH',
]);

/** True when `error` says the producer's sequence state is broken (see the file comment). */
export function isStuckSequence(error: unknown): boolean {
  return hasKafkajsErrorType(error, STUCK);
}

/**
 * A producer that replaces itself with a new one (from `create`) after a send fails on a broken
 * sequence. The failed send still rejects: its caller retries it, through the new producer.
 */
export async function renewingProducer(
  create: () => Promise<KafkaProducer>,
  logger: Logger,
): Promise<KafkaProducer> {
  let current = await create();
  let renewing: Promise<KafkaProducer> | undefined;
  const renew = (stuck: KafkaProducer, error: unknown): Promise<KafkaProducer> => {
    renewing ??= (async () => {
      logger.warn('producer sequence broken after a leader change; replacing the producer', {
        component: 'kafka-producer',
        error,
      });
      stuck
        .disconnect()
        .catch((e: unknown) =>
          logger.debug('disconnecting the replaced producer failed', { error: e }),
        );
      current = await create();
      return current;
    })().finally(() => {
      renewing = undefined;
    });
    return renewing;
  };
  return {
    async send(batches) {
      const producer = renewing === undefined ? current : await renewing;
      try {
        await producer.send(batches);
      } catch (error: unknown) {
        if (isStuckSequence(error) && producer === current) await renew(producer, error);
        throw error;
      }
    },
    disconnect: async () => (renewing === undefined ? current : await renewing).disconnect(),
  };
}
