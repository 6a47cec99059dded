// The two delivery modes behind one factory, so the batch runner and the pipeline have a single
// code path: at-least-once (FS_EXACTLY_ONCE=false) and Kafka transactions (true).
import type { Producer } from 'kafkajs';
import { atLeastOnceSession, transactionalSession, type DeliverySession } from '../pipeline/commit';
import type { DeliveryFactory } from './batch-runner';
import type { TransactionalProducers } from './transactional-producers';

/** At-least-once: the shared idempotent producer, then the offsets resolved for the commit. */
export function atLeastOnceDelivery(producer: Producer): DeliveryFactory {
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

// kafkajs error types after which a transactional producer is unusable.
const FENCED = new Set([
  'PRODUCER_FENCED',
  'INVALID_PRODUCER_EPOCH',
  'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
  'INVALID_TXN_STATE',
]);

/** Exactly-once: the input partition's transactional producer; offsets go in the transaction. */
export function exactlyOnceDelivery(
  producers: TransactionalProducers,
  consumerGroupId: string,
): DeliveryFactory {
  return {
    spansPartitions: false,
    async open(position, resolve) {
      const producer = await producers.get(position.topic, position.partition);
      const session = transactionalSession(producer, consumerGroupId, position, () => {
        resolve();
        return Promise.resolve();
      });
      const discardIfFenced = async (error: unknown): Promise<never> => {
        if (isFenced(error)) await producers.discard(position.topic, position.partition);
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

function isFenced(error: unknown): boolean {
  for (
    let e: unknown = error, depth = 0;
    typeof e === 'object' && e !== null && depth < 5;
    depth += 1
  ) {
    const type = (e as { type?: unknown }).type;
    if (typeof type === 'string' && FENCED.has(type)) return true;
    e =
      (e as { originalError?: unknown; cause?: unknown }).originalError ??
      (e as { cause?: unknown }).cause;
  }
  return false;
}
