// The two delivery modes behind one factory, so the batch runner and the pipeline have a single
// code path: at-least-once (FS_EXACTLY_ONCE=false) and Kafka transactions (true).
import type { GroupConsumer, KafkaProducer } from '../kafka/kafka-client';
import { atLeastOnceSession, transactionalSession, type DeliverySession } from '../pipeline/commit';
import type { DeliveryFactory } from './batch-runner';
import type { TransactionalProducers } from './transactional-producers';

/** At-least-once: the shared idempotent producer, then the offsets resolved for the commit. */
export function atLeastOnceDelivery(producer: KafkaProducer): DeliveryFactory {
  return {
    spansPartitions: true,
    open: (_position, resolve) =>
      Promise.resolve(
        atLeastOnceSession(producer, () => {
          resolve();
          return Promise.resolve();
        }),
      ),
  };
}

/** Exactly-once: the input partition's transactional producer; offsets go in the transaction. */
export function exactlyOnceDelivery(
  producers: TransactionalProducers,
  consumer: GroupConsumer,
): DeliveryFactory {
  return {
    spansPartitions: false,
    async open(position, resolve) {
      const producer = await producers.get(position.topic, position.partition);
      const session = transactionalSession(producer, consumer, position, () => {
        resolve();
        return Promise.resolve();
      });
      const discardIfFenced = async (error: unknown): Promise<never> => {
        if (producers.isFenced(error)) await producers.discard(position.topic, position.partition);
        throw error;
      };
      const wrapped: DeliverySession = {
        redeliversOnFailure: session.redeliversOnFailure,
        send: (batches) => session.send(batches).catch(discardIfFenced),
        commit: () => session.commit().catch(discardIfFenced),
        abort: () => session.abort().catch(discardIfFenced),
      };
      return wrapped;
    },
  };
}
