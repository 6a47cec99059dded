import type {
  GroupConsumer,
  KafkaClient,
  KafkaTransaction,
  TransactionalProducer,
} from '../kafka/kafka-client';
import { exactlyOnceDelivery } from './delivery';
import { TransactionalProducers } from './transactional-producers';

/** A client whose transactional producers fail their sends while `failing` is true. */
function fakeClient(state: { failing: boolean; created: number; disconnected: number }) {
  const transaction = (): KafkaTransaction => ({
    send: () => (state.failing ? Promise.reject(new Error('broker away')) : Promise.resolve()),
    commit: () => Promise.resolve(),
    abort: () => Promise.reject(new Error('abort refused: producer in an unknown state')),
  });
  return {
    transactionalProducer: (): Promise<TransactionalProducer> => {
      state.created += 1;
      return Promise.resolve({
        begin: () => Promise.resolve(transaction()),
        disconnect: () => {
          state.disconnected += 1;
          return Promise.resolve();
        },
      });
    },
  } as unknown as KafkaClient;
}

describe('exactlyOnceDelivery', () => {
  const position = { topic: 'transactions', partition: 2, lastOffset: '41' };
  const consumer = {} as GroupConsumer;

  it('drops a producer after a failed send, and the next chunk initialises a new one', async () => {
    const state = { failing: true, created: 0, disconnected: 0 };
    const delivery = exactlyOnceDelivery(
      new TransactionalProducers(fakeClient(state), 'fs'),
      consumer,
    );
    const resolved: string[] = [];
    const session = await delivery.open(position, () => resolved.push('41'));
    await expect(session.send([])).rejects.toThrow('broker away');
    // The abort is the re-initialisation's job: it does not throw over the produce error.
    await expect(session.abort()).resolves.toBeUndefined();
    expect(state.disconnected).toBe(1);

    state.failing = false;
    const next = await delivery.open(position, () => resolved.push('41'));
    await next.send([]);
    await next.commit();
    expect(state.created).toBe(2);
    expect(resolved).toEqual(['41']);
  });
});
