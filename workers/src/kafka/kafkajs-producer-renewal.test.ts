import { SILENT_LOGGER } from '../logging/logger';
import type { KafkaProducer } from './kafka-client';
import { isStuckSequence, renewingProducer } from './kafkajs-producer-renewal';

/** A fake producer whose sends fail with `failure` while it is set. */
function fakeProducer(log: string[], id: number, failure: () => Error | undefined): KafkaProducer {
  return {
    send: () => {
      const error = failure();
      log.push(`send ${id}${error === undefined ? '' : ' failed'}`);
      return error === undefined ? Promise.resolve() : Promise.reject(error);
    },
    disconnect: () => {
      log.push(`disconnect ${id}`);
      return Promise.resolve();
    },
  };
}

describe('renewingProducer', () => {
  const stuck = Object.assign(new Error('out of order'), { type: 'OUT_OF_ORDER_SEQUENCE_NUMBER' });

  it('replaces a producer whose sequence broke, and the retried send goes through the new one', async () => {
    const log: string[] = [];
    let created = 0;
    const producer = await renewingProducer(() => {
      created += 1;
      const id = created;
      return Promise.resolve(fakeProducer(log, id, () => (id === 1 ? stuck : undefined)));
    }, SILENT_LOGGER);
    await expect(producer.send([])).rejects.toBe(stuck);
    await producer.send([]);
    expect(log).toEqual(['send 1 failed', 'disconnect 1', 'send 2']);
  });

  it('keeps its producer on any other failure', async () => {
    const log: string[] = [];
    let created = 0;
    const producer = await renewingProducer(() => {
      created += 1;
      return Promise.resolve(fakeProducer(log, created, () => new Error('timeout')));
    }, SILENT_LOGGER);
    await expect(producer.send([])).rejects.toThrow('timeout');
    expect(created).toBe(1);
  });

  it('finds the error type anywhere in the cause chain', () => {
    expect(isStuckSequence(new Error('retries exceeded', { cause: stuck }))).toBe(true);
    expect(isStuckSequence({ type: 'REQUEST_TIMED_OUT' })).toBe(false);
  });
});
