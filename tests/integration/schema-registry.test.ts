// RestSchemaRegistry and AvroSerde against a real Confluent-compatible Schema Registry, the one
// the local stack starts with `bash deploy/local/stack.sh up --with registry`. Fails (does not
// skip) when no registry answers at FS_REGISTRY_URL.
import { randomUUID } from 'node:crypto';
import {
  AvroSerde,
  createAvroType,
  frame,
  loadSchemaCatalog,
  RECORD_NAMES,
  RestSchemaRegistry,
  sampleDeadLetter,
  sampleFraudLabel,
  sampleTransaction,
  sampleVerdict,
  SchemaDecodeError,
  SchemaRegistryError,
  type RecordName,
} from '@fraudstream/schemas';

// The local stack's registry (deploy/local/components/registry.sh) serves the Confluent API
// under /apis/ccompat/v6.
const REGISTRY_URL = process.env['FS_REGISTRY_URL'] ?? 'http://127.0.0.1:18081/apis/ccompat/v6';
const run = randomUUID().slice(0, 8);
const catalog = loadSchemaCatalog();
const transactionV1 = catalog.get('Transaction', 1)?.text ?? '';
const transactionV2 = catalog.get('Transaction', 2)?.text ?? '';
const subjects = Object.fromEntries(
  RECORD_NAMES.map((r) => [r, `fs-it-${run}-io.fraudstream.${r}`]),
) as Record<RecordName, string>;
const txSubject = subjects.Transaction;

function fingerprint(schema: string): string {
  return createAvroType(schema).fingerprint().toString('hex');
}

async function registryError(p: Promise<unknown>): Promise<SchemaRegistryError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(SchemaRegistryError);
    return err as SchemaRegistryError;
  }
  throw new Error('expected a SchemaRegistryError');
}

describe(`Confluent-compatible schema registry at ${REGISTRY_URL}`, () => {
  const admin = new RestSchemaRegistry({ url: REGISTRY_URL, timeoutMs: 10_000 });

  afterAll(async () => {
    for (const subject of Object.values(subjects)) {
      await admin.deleteSubject(subject, { permanent: true }).catch(() => undefined);
    }
    await admin.close();
  });

  it('is reachable (start it with: bash deploy/local/stack.sh up --with registry)', async () => {
    await expect(admin.listSubjects()).resolves.toEqual(expect.any(Array));
  });

  it('registers, fetches by id, lists versions and checks compatibility', async () => {
    const id1 = await admin.register(txSubject, transactionV1);
    await admin.setCompatibility(txSubject, 'FULL_TRANSITIVE');
    // Registering the same schema again is idempotent, also for a client with no cache.
    expect(
      await new RestSchemaRegistry({ url: REGISTRY_URL }).register(txSubject, transactionV1),
    ).toBe(id1);

    const fresh = new RestSchemaRegistry({ url: REGISTRY_URL });
    expect(fingerprint(await fresh.getSchemaById(id1))).toBe(fingerprint(transactionV1));

    expect(await admin.checkCompatibility(txSubject, transactionV2)).toMatchObject({
      compatible: true,
    });
    const id2 = await admin.register(txSubject, transactionV2);
    expect(id2).not.toBe(id1);
    expect(await admin.listVersions(txSubject)).toEqual([1, 2]);
    expect(await admin.getVersion(txSubject, 'latest')).toMatchObject({
      id: id2,
      version: 2,
      subject: txSubject,
    });
    expect(await admin.lookup(txSubject, transactionV1)).toMatchObject({ id: id1, version: 1 });
    expect(await admin.listSubjects()).toContain(txSubject);

    // A breaking change: customer_id removed, which v1/v2 readers cannot do without.
    const broken = JSON.parse(transactionV2) as { fields: { name: string }[] };
    broken.fields = broken.fields.filter((f) => f.name !== 'customer_id');
    const check = await admin.checkCompatibility(txSubject, JSON.stringify(broken));
    expect(check.compatible).toBe(false);
    const refused = await registryError(admin.register(txSubject, JSON.stringify(broken)));
    expect(refused).toMatchObject({
      code: 'FS_REGISTRY_INCOMPATIBLE',
      httpStatus: 409,
      retriable: false,
    });
  });

  it('shares one request among concurrent first look-ups of the same id, then serves the cache', async () => {
    const id = await admin.register(txSubject, transactionV2);
    const client = new RestSchemaRegistry({ url: REGISTRY_URL });
    const schemas = await Promise.all(Array.from({ length: 20 }, () => client.getSchemaById(id)));
    expect(new Set(schemas).size).toBe(1);
    expect(client.stats()).toEqual({ requests: 1, cacheHits: 0, inflightJoins: 19 });
    await client.getSchemaById(id);
    expect(client.stats()).toEqual({ requests: 1, cacheHits: 1, inflightJoins: 19 });
  });

  it('answers an unknown id with FS_REGISTRY_NOT_FOUND, and the serde with FS_DECODE_UNKNOWN_SCHEMA_ID', async () => {
    const unknownId = 2_000_000_000 + Math.floor(Math.random() * 1_000_000);
    const client = new RestSchemaRegistry({ url: REGISTRY_URL });
    expect(await registryError(client.getSchemaById(unknownId))).toMatchObject({
      code: 'FS_REGISTRY_NOT_FOUND',
      httpStatus: 404,
    });
    const serde = new AvroSerde(client);
    await expect(
      serde.decode(frame(unknownId, Buffer.from([2, 65])), 'Transaction'),
    ).rejects.toBeInstanceOf(SchemaDecodeError);
    await expect(
      serde.decode(frame(unknownId, Buffer.from([2, 65])), 'Transaction'),
    ).rejects.toMatchObject({
      code: 'FS_DECODE_UNKNOWN_SCHEMA_ID',
      retriable: false,
    });
  });

  it('carries every record through AvroSerde: producer registers, another process decodes', async () => {
    const producer = new AvroSerde(new RestSchemaRegistry({ url: REGISTRY_URL }), { subjects });
    const consumer = new AvroSerde(new RestSchemaRegistry({ url: REGISTRY_URL }), { subjects });
    const samples = {
      Transaction: sampleTransaction(5),
      Verdict: sampleVerdict(5),
      FraudLabel: sampleFraudLabel(5),
      DeadLetter: sampleDeadLetter(5),
    };
    for (const record of RECORD_NAMES) {
      const bytes = await producer.encode(record, samples[record] as never);
      const decoded = await consumer.decode(bytes, record);
      expect(decoded.schemaId).toBe(bytes.readUInt32BE(1));
      expect(decoded.value).toEqual(samples[record]);
    }
    // An old producer still writing Transaction v1: the consumer reads it with the v2 reader.
    const old = await producer.encode('Transaction', samples.Transaction, { version: 1 });
    const { value } = await consumer.decode(old, 'Transaction');
    expect(value).toEqual({
      ...samples.Transaction,
      channel: 'UNKNOWN',
      merchant_category: null,
      merchant_country: null,
    });
  });
});
