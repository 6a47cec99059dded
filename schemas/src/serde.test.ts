import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createEmbeddedRegistry, EmbeddedSchemaRegistry } from './embedded-registry';
import { SchemaDecodeError, SchemaEncodeError, SchemaRegistryError } from './errors';
import type { Transaction } from './record-types';
import {
  sampleDeadLetter,
  sampleFraudLabel,
  sampleTransaction,
  sampleVerdict,
} from './sample-records';
import { DEFAULT_AVRO_DIR, loadSchemaCatalog, type RecordName } from './schema-catalog';
import { AvroSerde } from './serde';
import type { SchemaRegistry } from './types';
import { frame } from './wire-format';

/** The embedded registry, counting getSchemaById calls and able to fail them on demand. */
class CountingRegistry extends EmbeddedSchemaRegistry {
  fetches = 0;
  failWith: Error | undefined;
  override getSchemaById(id: number): Promise<string> {
    this.fetches++;
    if (this.failWith) return Promise.reject(this.failWith);
    return super.getSchemaById(id);
  }
}

async function decodeError(p: Promise<unknown>): Promise<SchemaDecodeError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(SchemaDecodeError);
    return err as SchemaDecodeError;
  }
  throw new Error('expected a SchemaDecodeError');
}

const samples = {
  Transaction: sampleTransaction(7),
  Verdict: sampleVerdict(7),
  FraudLabel: sampleFraudLabel(7),
  DeadLetter: sampleDeadLetter(7),
};

describe('AvroSerde over the embedded registry', () => {
  const serde = new AvroSerde(createEmbeddedRegistry());

  it.each(Object.keys(samples) as RecordName[])(
    'round-trips a %s in the Confluent framing',
    async (record) => {
      const bytes = await serde.encode(record, samples[record] as never);
      expect(bytes[0]).toBe(0);
      const decoded = await serde.decode(bytes, record);
      expect(decoded.schemaId).toBe(serde.catalog.latest(record).embeddedId);
      expect(decoded.value).toEqual(samples[record]);
      expect(serde.decodeSync(bytes, record).value).toEqual(samples[record]);
    },
  );

  it('decodes into the writer shape when no reader is given', async () => {
    const bytes = await serde.encode('Transaction', samples.Transaction, { version: 1 });
    const { schemaId, value } = await serde.decode(bytes);
    expect(schemaId).toBe(101);
    expect(value).not.toHaveProperty('channel');
  });

  it('reads Transaction v1 bytes with the v2 reader, new fields at their defaults', async () => {
    const v1 = await serde.encode('Transaction', samples.Transaction, { version: 1 });
    const { schemaId, value } = await serde.decode(v1, 'Transaction');
    expect(schemaId).toBe(101);
    expect(value).toEqual({
      ...samples.Transaction,
      channel: 'UNKNOWN',
      merchant_category: null,
      merchant_country: null,
    });
  });

  it('encodes without a promise once prepared, and refuses before', async () => {
    const fresh = new AvroSerde(createEmbeddedRegistry());
    expect(() => fresh.encodeSync('Verdict', samples.Verdict)).toThrow(SchemaEncodeError);
    await fresh.prepare(['Verdict']);
    const bytes = fresh.encodeSync('Verdict', samples.Verdict);
    expect(fresh.decodeSync(bytes, 'Verdict').value).toEqual(samples.Verdict);
  });

  it('encodes with a registry subject, using its latest version', async () => {
    const bytes = await serde.encode('io.fraudstream.Transaction', samples.Transaction);
    expect(bytes.readUInt32BE(1)).toBe(102);
  });

  it('names the offending field of an invalid value', async () => {
    const bad: Transaction = { ...samples.Transaction, amount_minor: 12.5 };
    await expect(serde.encode('Transaction', bad)).rejects.toThrow(/amount_minor/);
    const missing = { ...samples.Transaction, customer_id: undefined } as unknown as Transaction;
    await expect(serde.encode('Transaction', missing)).rejects.toBeInstanceOf(SchemaEncodeError);
    await expect(serde.encode('Transaction', missing)).rejects.toMatchObject({
      code: 'FS_ENCODE_INVALID_VALUE',
      paths: ['customer_id'],
      retriable: false,
    });
  });

  it('rejects an unknown version with FS_ENCODE_UNKNOWN_RECORD', async () => {
    await expect(serde.encode('Verdict', samples.Verdict, { version: 9 })).rejects.toMatchObject({
      code: 'FS_ENCODE_UNKNOWN_RECORD',
    });
  });

  it('grows its encode buffer for records larger than it', async () => {
    const small = new AvroSerde(createEmbeddedRegistry(), { encodeBufferBytes: 64 });
    const big = { ...samples.DeadLetter, original_value: Buffer.alloc(100_000, 7) };
    const decoded = await small.decode(await small.encode('DeadLetter', big), 'DeadLetter');
    expect(decoded.value.original_value?.length).toBe(100_000);
  });

  it.each([
    ['an unknown schema id', 'FS_DECODE_UNKNOWN_SCHEMA_ID', frame(9999, Buffer.from([2, 65]))],
    ['a Verdict read as a Transaction', 'FS_DECODE_INCOMPATIBLE_SCHEMA', null],
    ['trailing bytes', 'FS_DECODE_BODY', null],
    ['a truncated body', 'FS_DECODE_BODY', null],
  ])('rejects %s with %s, not retriable', async (name, code, given) => {
    let bytes = given;
    if (name === 'a Verdict read as a Transaction')
      bytes = await serde.encode('Verdict', samples.Verdict);
    if (name === 'trailing bytes')
      bytes = Buffer.concat([
        await serde.encode('Transaction', samples.Transaction),
        Buffer.from([0]),
      ]);
    if (name === 'a truncated body')
      bytes = (await serde.encode('Transaction', samples.Transaction)).subarray(0, 20);
    const err = await decodeError(serde.decode(bytes, 'Transaction'));
    expect(err.code).toBe(code);
    expect(err.retriable).toBe(false);
  });

  it('decodes a batch with one outcome per record', async () => {
    const good = await serde.encode('Transaction', samples.Transaction);
    const outcomes = await serde.decodeBatch(
      [good, Buffer.from('x'), null, frame(4242, Buffer.alloc(3)), good],
      'Transaction',
    );
    expect(outcomes.map((o) => (o.ok ? 'ok' : o.error.code))).toEqual([
      'ok',
      'FS_DECODE_TOO_SHORT',
      'FS_DECODE_TOO_SHORT',
      'FS_DECODE_UNKNOWN_SCHEMA_ID',
      'ok',
    ]);
  });
});

describe('AvroSerde and the registry on the hot path', () => {
  it('fetches a new writer id once, however many records wait for it, then decodes synchronously', async () => {
    const registry = new CountingRegistry();
    const producer = new AvroSerde(createEmbeddedRegistry());
    const bytes = await producer.encode('Verdict', samples.Verdict);
    const consumer = new AvroSerde(registry);
    expect(() => consumer.decodeSync(bytes, 'Verdict')).toThrow(
      expect.objectContaining({ code: 'FS_DECODE_SCHEMA_NOT_LOADED', retriable: true }) as Error,
    );
    const results = await Promise.all(
      Array.from({ length: 50 }, () => consumer.decode(bytes, 'Verdict')),
    );
    expect(results.every((r) => r.schemaId === 201)).toBe(true);
    expect(registry.fetches).toBe(1);
    expect(consumer.decodeSync(bytes, 'Verdict').value).toEqual(samples.Verdict);
    expect(registry.fetches).toBe(1);
  });

  it('reports an unreachable registry as a retriable decode error, and recovers', async () => {
    const registry = new CountingRegistry();
    const bytes = await new AvroSerde(createEmbeddedRegistry()).encode(
      'FraudLabel',
      samples.FraudLabel,
    );
    const consumer = new AvroSerde(registry);
    registry.failWith = new SchemaRegistryError('FS_REGISTRY_UNAVAILABLE', 'connection refused');
    const err = await decodeError(consumer.decode(bytes, 'FraudLabel'));
    expect(err.code).toBe('FS_DECODE_REGISTRY_UNAVAILABLE');
    expect(err.retriable).toBe(true);
    expect(err.cause).toBe(registry.failWith);
    const batch = await consumer.decodeBatch([bytes], 'FraudLabel');
    expect(batch[0]).toMatchObject({
      ok: false,
      error: { code: 'FS_DECODE_REGISTRY_UNAVAILABLE' },
    });
    registry.failWith = undefined;
    expect((await consumer.decode(bytes, 'FraudLabel')).value).toEqual(samples.FraudLabel);
  });

  it('looks schemas up instead of registering them when autoRegister is false', async () => {
    const registry: SchemaRegistry = createEmbeddedRegistry();
    const serde = new AvroSerde(registry, {
      autoRegister: false,
      subjects: { Transaction: 'transactions-value' },
    });
    await expect(serde.encode('Transaction', samples.Transaction)).rejects.toMatchObject({
      code: 'FS_REGISTRY_NOT_FOUND',
    });
    const plain = new AvroSerde(registry, { subjects: { Transaction: 'transactions-value' } });
    const bytes = await plain.encode('Transaction', samples.Transaction);
    expect(bytes.readUInt32BE(1)).toBe(102);
    expect(await registry.listVersions('transactions-value')).toEqual([1]);
    expect((await serde.encode('Transaction', samples.Transaction)).readUInt32BE(1)).toBe(102);
  });
});

describe('an old consumer that only knows Transaction v1', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fs-old-consumer-'));
    for (const f of fs.readdirSync(DEFAULT_AVRO_DIR).filter((f) => f !== 'transaction-v2.avsc')) {
      fs.copyFileSync(path.join(DEFAULT_AVRO_DIR, f), path.join(dir, f));
    }
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads v2 bytes (forward compatibility), dropping the fields it does not know', async () => {
    const v2 = await new AvroSerde(createEmbeddedRegistry()).encode(
      'Transaction',
      samples.Transaction,
    );
    // Writer schemas come from the shared registry; the reader is the consumer's own v1 file.
    const old = new AvroSerde(createEmbeddedRegistry(), { catalog: loadSchemaCatalog(dir) });
    const { schemaId, value } = await old.decode(v2, 'Transaction');
    expect(schemaId).toBe(102);
    const v1Names = [
      'transaction_id',
      'event_time',
      'customer_id',
      'terminal_id',
      'amount_minor',
      'currency',
    ] as const;
    expect(value).toEqual(Object.fromEntries(v1Names.map((f) => [f, samples.Transaction[f]])));
  });
});
