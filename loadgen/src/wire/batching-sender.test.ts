import type { OutboundMessage } from '@fraudstream/workers/kafka';
import { BatchingSender } from './batching-sender';

interface Pending {
  messages: OutboundMessage[];
  resolve: () => void;
  reject: (e: Error) => void;
}

function setup(maxBatchRecords = 3): {
  sender: BatchingSender;
  sends: Pending[];
  acks: [number, number, number][];
  failures: [number, number][];
  clock: { t: number };
} {
  const sends: Pending[] = [];
  const acks: [number, number, number][] = [];
  const failures: [number, number][] = [];
  const clock = { t: 0 };
  const sender = new BatchingSender(
    (messages) =>
      new Promise<void>((resolve, reject) => {
        sends.push({ messages, resolve, reject });
      }),
    { maxBatchRecords, maxInFlight: 1 },
    {
      acked: (from, to, at) => acks.push([from, to, at]),
      failed: (from, to) => failures.push([from, to]),
    },
    () => clock.t,
  );
  return { sender, sends, acks, failures, clock };
}

const msg = (i: number): OutboundMessage => ({
  key: String(i),
  value: Buffer.from([i]),
  headers: {},
});
const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('BatchingSender', () => {
  it('keeps one send in flight and batches what queues meanwhile', async () => {
    const { sender, sends, acks } = setup(10);
    sender.enqueue(0, msg(0));
    sender.pump();
    for (let i = 1; i < 5; i += 1) sender.enqueue(i, msg(i));
    sender.pump();
    expect(sends).toHaveLength(1);
    expect(sender.queued).toBe(4);
    sends[0]?.resolve();
    await flush();
    expect(acks).toEqual([[0, 1, 0]]);
    expect(sends).toHaveLength(2);
    expect(sends[1]?.messages.map((m) => m.key)).toEqual(['1', '2', '3', '4']);
  });

  it('splits at maxBatchRecords and gives every record of a send its ack time', async () => {
    const { sender, sends, acks, clock } = setup(3);
    for (let i = 0; i < 7; i += 1) sender.enqueue(i, msg(i));
    const drained = sender.drain();
    for (let k = 0; k < 3; k += 1) {
      clock.t = 10 * (k + 1);
      sends[k]?.resolve();
      await flush();
    }
    await drained;
    expect(acks).toEqual([
      [0, 3, 10],
      [3, 6, 20],
      [6, 7, 30],
    ]);
  });

  it('reports a failed send with its range and goes on with the next', async () => {
    const { sender, sends, acks, failures } = setup(2);
    for (let i = 0; i < 4; i += 1) sender.enqueue(i, msg(i));
    const drained = sender.drain();
    sends[0]?.reject(new Error('boom'));
    await flush();
    sends[1]?.resolve();
    await drained;
    expect(failures).toEqual([[0, 2]]);
    expect(acks.map(([f, t]) => [f, t])).toEqual([[2, 4]]);
  });

  it('refuses records out of sequence', () => {
    const { sender } = setup();
    sender.enqueue(0, msg(0));
    expect(() => sender.enqueue(2, msg(2))).toThrow(RangeError);
  });

  it('drains at once when idle', async () => {
    const { sender } = setup();
    await expect(sender.drain()).resolves.toBeUndefined();
  });
});
