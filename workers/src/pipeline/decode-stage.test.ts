import type { AvroSerde } from '@fraudstream/schemas';
import { SchemasCodec } from '../adapters/schemas-codec';
import { DEFAULT_WORKER_OPTIONS } from '../config/worker-options';
import { encodedTransaction, sourceRecords, testSerde } from '../testing/fakes';
import { createDecodeStage, oversizedRejection, type TransactionDecoder } from './decode-stage';
import type { SourceRecord } from './types';

const TRACEPARENT_BYTES = 'traceparent'.length + 55;

describe('oversizedRejection', () => {
  const [record] = sourceRecords([Buffer.alloc(1_000)]) as [SourceRecord];
  // key-0 (5 bytes), the value, the traceparent header.
  const size = 5 + 1_000 + TRACEPARENT_BYTES;

  it('passes a record at the limit, key, value and headers counted', () => {
    expect(oversizedRejection(record, size)).toBeUndefined();
  });

  it('rejects a record one byte over with FS_RECORD_TOO_LARGE, naming its size and the limit', () => {
    expect(oversizedRejection(record, size - 1)).toEqual({
      record,
      code: 'FS_RECORD_TOO_LARGE',
      message: `record of ${size} bytes (key, value and headers) is larger than FS_MAX_RECORD_BYTES (${size - 1}); dead-lettered by reference, without its value`,
    });
  });

  it('counts headers: a small value with a huge header is over', () => {
    const withHeader = { ...record, value: Buffer.from('v'), headers: { h: 'x'.repeat(2_000) } };
    expect(oversizedRejection(withHeader, 1_024)?.code).toBe('FS_RECORD_TOO_LARGE');
  });
});

describe('createDecodeStage with a size limit', () => {
  let serde: AvroSerde;
  let codec: SchemasCodec;

  beforeAll(async () => {
    serde = await testSerde();
    codec = await SchemasCodec.create();
  });

  /** The codec, recording which values reached it. */
  function spying(): { decoder: TransactionDecoder; seen: (Buffer | null)[] } {
    const seen: (Buffer | null)[] = [];
    return {
      seen,
      decoder: {
        decodeTransactions: (values) => {
          seen.push(...values);
          return codec.decodeTransactions(values);
        },
        validateTransaction: (tx) => codec.validateTransaction(tx),
      },
    };
  }

  it('rejects oversized records before any decode work, in input order, and decodes the rest', async () => {
    const big = Buffer.concat([encodedTransaction(serde, 1), Buffer.alloc(5_000)]);
    const records = sourceRecords([
      encodedTransaction(serde, 0),
      big,
      Buffer.from('garbage'),
      encodedTransaction(serde, 3),
    ]);
    const { decoder, seen } = spying();
    const result = await createDecodeStage(decoder, { maxRecordBytes: 4_096 }).run(records);
    expect(seen).toHaveLength(3);
    expect(seen).not.toContain(big);
    expect(result.decoded.map((d) => d.record.offset)).toEqual(['0', '3']);
    expect(result.rejected.map((r) => [r.record.offset, r.code])).toEqual([
      ['1', 'FS_RECORD_TOO_LARGE'],
      ['2', 'FS_DECODE_MAGIC_BYTE'],
    ]);
    expect(result.retry).toEqual([]);
  });

  it('never calls the decoder when every record of the chunk is oversized', async () => {
    const { decoder, seen } = spying();
    const result = await createDecodeStage(decoder, { maxRecordBytes: 1_024 }).run(
      sourceRecords([Buffer.alloc(2_000), Buffer.alloc(3_000)]),
    );
    expect(seen).toEqual([]);
    expect(result.rejected.map((r) => r.code)).toEqual([
      'FS_RECORD_TOO_LARGE',
      'FS_RECORD_TOO_LARGE',
    ]);
  });

  it('uses the declared FS_MAX_RECORD_BYTES default when given no limit', async () => {
    const limit = DEFAULT_WORKER_OPTIONS.maxRecordBytes;
    const result = await createDecodeStage(codec).run(
      sourceRecords([Buffer.alloc(limit - 5 - TRACEPARENT_BYTES, 1), Buffer.alloc(limit, 1)]),
    );
    expect(result.rejected.map((r) => r.code)).toEqual([
      'FS_DECODE_MAGIC_BYTE',
      'FS_RECORD_TOO_LARGE',
    ]);
  });
});
