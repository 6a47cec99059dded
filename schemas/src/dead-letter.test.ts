import { createDeadLetter } from './dead-letter';
import { createEmbeddedRegistry } from './embedded-registry';
import { SchemaDecodeError } from './errors';
import { AvroSerde } from './serde';

describe('createDeadLetter', () => {
  it('keeps the original bytes, headers and position of a kafkajs message', async () => {
    const value = Buffer.from([1, 2, 3]);
    const error = new SchemaDecodeError('FS_DECODE_MAGIC_BYTE', 'first byte is 1');
    const letter = createDeadLetter(
      {
        topic: 'transactions',
        partition: 7,
        offset: '42',
        key: Buffer.from('c-9'),
        value,
        timestamp: '1700000000000',
        headers: { traceparent: Buffer.from('00-abc-01'), repeated: ['a', 'b'], empty: undefined },
      },
      { reason: error },
      1_700_000_000_500,
    );
    expect(letter).toEqual({
      original_key: Buffer.from('c-9'),
      original_value: value,
      original_headers: [
        { key: 'traceparent', value: Buffer.from('00-abc-01') },
        { key: 'repeated', value: Buffer.from('a') },
        { key: 'repeated', value: Buffer.from('b') },
        { key: 'empty', value: null },
      ],
      source_topic: 'transactions',
      source_partition: 7,
      source_offset: 42,
      source_timestamp: 1_700_000_000_000,
      reason_code: 'FS_DECODE_MAGIC_BYTE',
      reason_message: 'first byte is 1',
      attempt_count: 1,
      first_failed_at: 1_700_000_000_500,
      last_failed_at: 1_700_000_000_500,
    });
    const serde = new AvroSerde(createEmbeddedRegistry());
    expect(
      (await serde.decode(await serde.encode('DeadLetter', letter), 'DeadLetter')).value,
    ).toEqual(letter);
  });

  it('records exhausted retries and tombstones', () => {
    const letter = createDeadLetter(
      { topic: 't', partition: 0, offset: 1, value: null, headers: [{ key: 'k', value: 'v' }] },
      {
        reason: 'FS_FEATURE_STORE_TIMEOUT',
        message: 'redis timed out',
        attemptCount: 6,
        firstFailedAt: 10,
        lastFailedAt: 99,
      },
    );
    expect(letter).toMatchObject({
      original_key: null,
      original_value: null,
      original_headers: [{ key: 'k', value: Buffer.from('v') }],
      reason_code: 'FS_FEATURE_STORE_TIMEOUT',
      reason_message: 'redis timed out',
      attempt_count: 6,
      first_failed_at: 10,
      last_failed_at: 99,
      source_timestamp: null,
    });
  });
});
