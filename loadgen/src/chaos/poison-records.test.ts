import { createHash } from 'node:crypto';
import { recordSizeBytes } from '@fraudstream/schemas';
import { SchemasCodec } from '@fraudstream/workers';
import { AvroLoadCodec } from '../load/avro-load-codec';
import { BROKER_MESSAGE_BYTES, POISON_REASONS, poisonRecords } from './poison-records';

const TX = {
  transaction_id: 'poison-test-1',
  event_time: 1_700_000_000_000,
  customer_id: '42',
  terminal_id: '7',
  amount_minor: 1999,
  currency: 'EUR',
};

describe('poisonRecords', () => {
  let valid: Buffer;

  beforeAll(async () => {
    valid = (await new AvroLoadCodec().prepare()).encodeTransaction(TX);
  });

  it.each([1_024, 262_144, 491_520])(
    'each record is refused by the workers’ own decoder with its expected reason (limit %i)',
    async (maxRecordBytes) => {
      const records = poisonRecords({
        validRecord: valid,
        maxRecordBytes,
        partitions: 12,
        keyPrefix: 'run-1-',
      });
      expect(records.map((r) => r.spec.kind)).toEqual(Object.keys(POISON_REASONS));
      const codec = await SchemasCodec.create();
      const small = records.filter((r) => recordSizeBytes(r.message) <= maxRecordBytes);
      const outcomes = await codec.decodeTransactions(small.map((r) => r.message.value));
      const reasons = new Map(
        small.map((r, i) => {
          const o = outcomes[i];
          return [r.spec.kind, o === undefined || o.ok ? 'decoded' : o.error.code];
        }),
      );
      for (const r of records.filter((x) => !small.includes(x))) {
        reasons.set(r.spec.kind, 'FS_RECORD_TOO_LARGE');
        // What the broker takes (its default message.max.bytes), framing included.
        expect(r.spec.sizeBytes).toBeLessThanOrEqual(BROKER_MESSAGE_BYTES);
        expect(BROKER_MESSAGE_BYTES + 1_024).toBeLessThan(1_048_588);
      }
      expect(Object.fromEntries(reasons)).toEqual(POISON_REASONS);
      for (const r of records) {
        expect(r.spec.sizeBytes).toBe(recordSizeBytes(r.message));
        // Not retriable: a poison record must go straight to the dead-letter topic.
        const o = outcomes[small.indexOf(r)];
        if (o !== undefined && !o.ok) expect(o.error.retriable).toBe(false);
      }
      const justOver = records.find((r) => r.spec.kind === 'oversized-just-over');
      expect(justOver?.spec.sizeBytes).toBe(maxRecordBytes + 1);
    },
  );

  it('gives every record a key of its own, named in the ledger by its sha256', () => {
    const records = poisonRecords({
      validRecord: valid,
      maxRecordBytes: 1_024,
      partitions: 3,
      keyPrefix: 'run-2-',
    });
    const keys = records.map((r) => r.spec.keySha256);
    expect(new Set(keys).size).toBe(records.length);
    for (const r of records) {
      expect(r.spec.keySha256).toBe(
        createHash('sha256')
          .update(r.message.key ?? '')
          .digest('hex'),
      );
      expect(r.message.partition).toBe(r.spec.partition);
      expect(r.spec.partition).toBeLessThan(3);
    }
  });

  it('refuses a base record that is not framed', () => {
    expect(() =>
      poisonRecords({
        validRecord: Buffer.from('{}'),
        maxRecordBytes: 1_024,
        partitions: 1,
        keyPrefix: 'x',
      }),
    ).toThrow(TypeError);
  });
});
