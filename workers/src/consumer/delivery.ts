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
      // After any failure the transaction's state is unknown to us (a produce that timed out may
      // have reached the log, an abort may not have), and a producer left in that state refuses
      // the next transaction. So it is dropped: the next chunk of the partition initialises the
      // transactional id again, which makes the coordinator abort what was left open (or finish a
      // commit that was under way) and fences this producer for good.
      let discarded = false;
      const discard = async (error: unknown): Promise<never> => {
        discarded = true;
        await producers.discard(position.topic, position.partition);
        throw error;
      };
      const wrapped: DeliverySession = {
        redeliversOnFailure: session.redeliversOnFailure,
        send: (batches) => session.send(batches).catch(discard),
        commit: () => session.commit().catch(discard),
        // The re-initialisation aborts a transaction of a discarded producer.
        abort: () => (discarded ? Promise.resolve() : session.abort().catch(discard)),
      };
      return wrapped;
    },
  };
}
