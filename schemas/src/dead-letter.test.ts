import { createHash } from 'node:crypto';
import {
  createDeadLetter,
  MAX_REASON_MESSAGE_CHARS,
  recordSizeBytes,
  REFERENCE_KEPT_BYTES,
} from './dead-letter';
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
      // c-9, 3 bytes, traceparent + 00-abc-01, repeated + a, repeated + b, empty.
      original_size_bytes: 3 + 3 + 11 + 9 + 9 + 9 + 5,
      original_value_sha256: sha256(value),
      original_key_sha256: sha256(Buffer.from('c-9')),
      value_omitted: false,
      key_omitted: false,
      headers_omitted: 0,
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

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

describe('recordSizeBytes', () => {
  it('counts key, value, header names and header values, strings as UTF-8', () => {
    expect(recordSizeBytes({ key: null, value: null })).toBe(0);
    expect(
      recordSizeBytes({
        key: 'é',
        value: Buffer.alloc(10),
        headers: { a: 'xy', b: ['1', Buffer.from('22')], c: undefined },
      }),
    ).toBe(2 + 10 + 3 + 2 + 3 + 1);
    expect(recordSizeBytes({ key: null, value: null, headers: [{ key: 'k', value: 'v' }] })).toBe(
      2,
    );
  });
});

describe('createDeadLetter with a size limit', () => {
  const position = { topic: 'transactions', partition: 3, offset: '77', timestamp: '1700' };
  const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

  it('copies a message at the limit byte for byte', () => {
    const value = Buffer.alloc(100, 1);
    const letter = createDeadLetter(
      { ...position, key: 'c-1', value, headers: { traceparent } },
      { reason: 'FS_DECODE_BODY', message: 'corrupt' },
      5,
      { maxRecordBytes: 3 + 100 + 11 + traceparent.length },
    );
    expect(letter).toMatchObject({
      original_key: Buffer.from('c-1'),
      original_value: value,
      original_headers: [{ key: 'traceparent', value: Buffer.from(traceparent) }],
      value_omitted: false,
      key_omitted: false,
      headers_omitted: 0,
      original_size_bytes: 114 + traceparent.length,
    });
  });

  it('dead-letters a larger message by reference: no value; size, digest and position instead', async () => {
    const value = Buffer.alloc(900_000, 7);
    const letter = createDeadLetter(
      { ...position, key: 'c-1', value, headers: { traceparent } },
      { reason: 'FS_RECORD_TOO_LARGE', message: 'record of 900069 bytes is over the limit' },
      5,
      { maxRecordBytes: 262_144 },
    );
    expect(letter).toEqual({
      original_key: Buffer.from('c-1'),
      original_value: null,
      original_headers: [{ key: 'traceparent', value: Buffer.from(traceparent) }],
      source_topic: 'transactions',
      source_partition: 3,
      source_offset: 77,
      source_timestamp: 1700,
      reason_code: 'FS_RECORD_TOO_LARGE',
      reason_message: 'record of 900069 bytes is over the limit',
      attempt_count: 1,
      first_failed_at: 5,
      last_failed_at: 5,
      original_size_bytes: 3 + 900_000 + 11 + traceparent.length,
      original_value_sha256: sha256(value),
      original_key_sha256: sha256(Buffer.from('c-1')),
      value_omitted: true,
      key_omitted: false,
      headers_omitted: 0,
    });
    const serde = new AvroSerde(createEmbeddedRegistry());
    const bytes = await serde.encode('DeadLetter', letter);
    expect(bytes.length).toBeLessThan(1_024);
    expect((await serde.decode(bytes, 'DeadLetter')).value).toEqual(letter);
  });

  it('keeps the key and the headers that fit the reference bound, in order, and counts the rest', () => {
    const bigKey = Buffer.alloc(REFERENCE_KEPT_BYTES + 1, 1);
    const huge = Buffer.alloc(REFERENCE_KEPT_BYTES, 2);
    const letter = createDeadLetter(
      {
        ...position,
        key: bigKey,
        value: Buffer.from('v'),
        // A huge header before the trace context must not push it out.
        headers: [
          { key: 'huge', value: huge },
          { key: 'traceparent', value: traceparent },
          { key: 'also-huge', value: huge },
        ],
      },
      { reason: 'FS_DECODE_MAGIC_BYTE', message: 'm' },
      5,
      { maxRecordBytes: 10_000 },
    );
    expect(letter).toMatchObject({
      original_key: null,
      original_value: null,
      original_headers: [{ key: 'traceparent', value: Buffer.from(traceparent) }],
      original_key_sha256: sha256(bigKey),
      original_value_sha256: sha256(Buffer.from('v')),
      value_omitted: true,
      key_omitted: true,
      headers_omitted: 2,
    });
  });

  it('keeps no more than the limit itself when the limit is below the reference bound', () => {
    const letter = createDeadLetter(
      { ...position, key: Buffer.alloc(600), value: Buffer.alloc(600), headers: { h: 'x' } },
      { reason: 'FS_RECORD_TOO_LARGE', message: 'm' },
      5,
      { maxRecordBytes: 1_024 },
    );
    expect(letter).toMatchObject({ key_omitted: false, value_omitted: true, headers_omitted: 0 });
    expect(
      createDeadLetter(
        { ...position, key: Buffer.alloc(1_100), value: null },
        { reason: 'FS_RECORD_TOO_LARGE', message: 'm' },
        5,
        { maxRecordBytes: 1_024 },
      ),
    ).toMatchObject({ original_key: null, key_omitted: true, value_omitted: false });
  });

  it('cuts a reason message longer than MAX_REASON_MESSAGE_CHARS, never inside a surrogate pair', () => {
    const long = `${'x'.repeat(990)}${'😀'.repeat(2_000)}`;
    const letter = createDeadLetter(
      { ...position, value: null },
      { reason: 'FS_INTERNAL', message: long },
    );
    expect(letter.reason_message.length).toBeLessThanOrEqual(MAX_REASON_MESSAGE_CHARS);
    expect(letter.reason_message.startsWith('x'.repeat(990))).toBe(true);
    expect(letter.reason_message.endsWith(' … (4990 characters, cut)')).toBe(true);
    expect(letter.reason_message).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    const short = createDeadLetter(
      { ...position, value: null },
      { reason: 'FS_INTERNAL', message: 'ok' },
    );
    expect(short.reason_message).toBe('ok');
  });
});
