import type { OutboundMessage } from '@fraudstream/workers/kafka';
import { CoalescingSend, copyOf } from './passthrough-worker';

const message = (n: number): OutboundMessage => ({
  key: `k${n}`,
  value: Buffer.from(`v${n}`),
  headers: {},
});

describe('copyOf', () => {
  it('copies key, value and headers, a repeated header by its last value', () => {
    const copy = copyOf({
      offset: '41',
      key: Buffer.from('card-1'),
      value: Buffer.from('payload'),
      headers: {
        traceparent: Buffer.from('00-abc-def-01'),
        repeated: ['first', Buffer.from('last')],
        absent: undefined,
      },
      timestamp: '1700000000000',
    });
    expect(copy.key).toEqual(Buffer.from('card-1'));
    expect(copy.value).toEqual(Buffer.from('payload'));
    expect(copy.headers).toEqual({
      traceparent: Buffer.from('00-abc-def-01'),
      repeated: Buffer.from('last'),
    });
  });

  it('copies a tombstone as an empty value', () => {
    const copy = copyOf({ offset: '0', key: null, value: null, headers: {}, timestamp: null });
    expect(copy).toEqual({ key: null, value: Buffer.alloc(0), headers: {} });
  });
});

describe('CoalescingSend', () => {
  it('keeps one request in flight and settles each caller with the request that carried it', async () => {
    const requests: { messages: OutboundMessage[]; ack: () => void }[] = [];
    const copies = new CoalescingSend(
      (messages) =>
        new Promise<void>((resolve) => requests.push({ messages, ack: () => resolve() })),
    );
    const settled: string[] = [];
    const a = copies.send([message(1), message(2)]).then(() => settled.push('a'));
    const b = copies.send([message(3)]).then(() => settled.push('b'));
    const c = copies.send([message(4)]).then(() => settled.push('c'));
    expect(requests).toHaveLength(1);
    requests[0]?.ack();
    await a;
    expect(settled).toEqual(['a']);
    // b and c, queued while the first request was out, go in one request.
    expect(requests).toHaveLength(2);
    expect(requests[1]?.messages.map((m) => m.key)).toEqual(['k3', 'k4']);
    requests[1]?.ack();
    await Promise.all([b, c]);
    expect(settled).toEqual(['a', 'b', 'c']);
  });

  it('fails the callers of a request the producer gave up on', async () => {
    const copies = new CoalescingSend(() => Promise.reject(new Error('broker gone')));
    await expect(copies.send([message(1)])).rejects.toThrow('broker gone');
    await expect(copies.send([])).resolves.toBeUndefined();
  });
});
