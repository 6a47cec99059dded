import { createHash } from 'node:crypto';
import type { AvroSerde, DeadLetter } from '@fraudstream/schemas';
import { SchemasCodec } from '../adapters/schemas-codec';
import { sourceRecords, testSerde } from '../testing/fakes';
import { deadLetterMessage, MAX_TRACE_HEADER_CHARS } from './dead-letter-message';
import { HEADERS } from './record-headers';
import type { Rejection, SourceRecord } from './types';

const LIMIT = 262_144;
const TRACEPARENT = `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`;

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

describe('deadLetterMessage', () => {
  let serde: AvroSerde;
  let codec: SchemasCodec;

  beforeAll(async () => {
    serde = await testSerde();
    codec = await SchemasCodec.create();
  });

  function rejection(record: SourceRecord, code = 'FS_DECODE_MAGIC_BYTE'): Rejection {
    return { record, code, message: `${code} message` };
  }

  function decode(value: Buffer): DeadLetter {
    return serde.decodeSync(value, 'DeadLetter').value;
  }

  it('copies a record within the limit byte for byte, keyed by its key', () => {
    const value = Buffer.from('not avro');
    const [record] = sourceRecords([value]) as [SourceRecord];
    const message = deadLetterMessage(rejection(record), codec, 9, LIMIT);
    expect(message.key).toEqual(Buffer.from('key-0'));
    expect(message.headers).toEqual({
      traceparent: TRACEPARENT,
      [HEADERS.reasonCode]: 'FS_DECODE_MAGIC_BYTE',
    });
    expect(decode(message.value)).toMatchObject({
      original_key: Buffer.from('key-0'),
      original_value: value,
      original_headers: [{ key: 'traceparent', value: Buffer.from(TRACEPARENT) }],
      original_size_bytes: 5 + value.length + 11 + TRACEPARENT.length,
      original_value_sha256: sha256(value),
      value_omitted: false,
      key_omitted: false,
      headers_omitted: 0,
      attempt_count: 1,
      last_failed_at: 9,
    });
  });

  it('dead-letters an oversized record by reference: position, size and sha256, no value', () => {
    const value = Buffer.alloc(900_000, 3);
    const [record] = sourceRecords([value], 'transactions', 5) as [SourceRecord];
    const message = deadLetterMessage(
      rejection({ ...record, offset: '123456789' }, 'FS_RECORD_TOO_LARGE'),
      codec,
      9,
      LIMIT,
    );
    expect(message.value.length).toBeLessThan(1_024);
    expect(message.key).toEqual(Buffer.from('key-0'));
    expect(message.headers[HEADERS.reasonCode]).toBe('FS_RECORD_TOO_LARGE');
    expect(decode(message.value)).toMatchObject({
      source_topic: 'transactions',
      source_partition: 5,
      source_offset: 123_456_789,
      reason_code: 'FS_RECORD_TOO_LARGE',
      original_key: Buffer.from('key-0'),
      original_value: null,
      original_headers: [{ key: 'traceparent', value: Buffer.from(TRACEPARENT) }],
      original_size_bytes: 5 + value.length + 11 + TRACEPARENT.length,
      original_value_sha256: sha256(value),
      value_omitted: true,
      key_omitted: false,
      headers_omitted: 0,
    });
  });

  it('bounds a dead letter that is large for another reason: huge headers, key and trace state', () => {
    const hugeKey = Buffer.alloc(300_000, 1);
    const [base] = sourceRecords([Buffer.from('v')]) as [SourceRecord];
    const record: SourceRecord = {
      ...base,
      key: hugeKey,
      headers: {
        traceparent: TRACEPARENT,
        tracestate: `v=${'x'.repeat(MAX_TRACE_HEADER_CHARS)}`,
        blob: Buffer.alloc(400_000, 2),
      },
      // A retry job stored before the limit existed: it ran out of attempts.
      attempt: 6,
    };
    const message = deadLetterMessage(rejection(record, 'FS_RETRY_EXHAUSTED'), codec, 9, LIMIT);
    expect(message.key).toBeNull();
    expect(message.headers).toEqual({
      traceparent: TRACEPARENT,
      [HEADERS.reasonCode]: 'FS_RETRY_EXHAUSTED',
    });
    expect(message.value.length).toBeLessThan(20_000);
    const letter = decode(message.value);
    expect(letter).toMatchObject({
      original_key: null,
      original_value: null,
      original_key_sha256: sha256(hugeKey),
      original_value_sha256: sha256(Buffer.from('v')),
      value_omitted: true,
      key_omitted: true,
      headers_omitted: 1,
      attempt_count: 6,
    });
    expect(letter.original_headers.map((h) => h.key)).toEqual(['traceparent', 'tracestate']);
  });
});
