import type { SourceRecord } from '../pipeline/types';
import { fromRetryJobData, retryJobId, toRetryJobData } from './retry-job';

describe('retry jobs', () => {
  const record: SourceRecord = {
    topic: 'transactions',
    partition: 7,
    offset: '9007199254740993',
    key: Buffer.from('customer-1'),
    value: Buffer.from([0, 0, 0, 0, 101, 1, 2, 255]),
    headers: {
      traceparent: Buffer.from('00-abc-def-01'),
      repeated: [Buffer.from('a'), Buffer.from('b')],
    },
    timestamp: '1700000000000',
    attempt: 1,
    receivedAt: 1,
  };

  it('round-trips the record byte for byte through JSON', () => {
    const data = JSON.parse(
      JSON.stringify(toRetryJobData(record, 'FS_FEATURES_FAILED', 42)),
    ) as ReturnType<typeof toRetryJobData>;
    const back = fromRetryJobData(data, 2, 99);
    expect(back.key).toEqual(record.key);
    expect(back.value).toEqual(record.value);
    expect(back.headers).toEqual(record.headers);
    expect(back).toMatchObject({
      topic: 'transactions',
      partition: 7,
      offset: '9007199254740993',
      attempt: 2,
      receivedAt: 99,
      firstFailedAt: 42,
    });
  });

  it("stores the failed attempt's trace context beside the headers, and none when empty", () => {
    const trace = { traceparent: `00-${'1'.repeat(32)}-${'2'.repeat(16)}-01` };
    const data = JSON.parse(
      JSON.stringify(toRetryJobData(record, 'FS_FEATURES_FAILED', 42, trace)),
    ) as ReturnType<typeof toRetryJobData>;
    expect(data.trace).toEqual(trace);
    expect(fromRetryJobData(data, 2, 99).headers).toEqual(record.headers);
    expect(toRetryJobData(record, 'X', 1, {})).not.toHaveProperty('trace');
    expect(toRetryJobData(record, 'X', 1)).not.toHaveProperty('trace');
  });

  it('keeps a null key and value', () => {
    const back = fromRetryJobData(
      toRetryJobData({ ...record, key: null, value: null }, 'X', 1),
      2,
      1,
    );
    expect(back.key).toBeNull();
    expect(back.value).toBeNull();
  });

  it('names a job after the record position, in the three-part form BullMQ accepts', () => {
    expect(retryJobId('transactions', 7, '12')).toBe('transactions:7:12');
  });
});
