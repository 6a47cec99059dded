import * as fs from 'node:fs';
import * as path from 'node:path';
import { createEmbeddedRegistry } from './embedded-registry';
import { SchemaConfigError, SchemaRegistryError } from './errors';
import { DEFAULT_AVRO_DIR } from './schema-catalog';

const transactionV2 = JSON.parse(
  fs.readFileSync(path.join(DEFAULT_AVRO_DIR, 'transaction-v2.avsc'), 'utf8'),
) as {
  fields: { name: string; type: unknown; default?: unknown; doc: string }[];
};

describe('embedded registry', () => {
  it('serves the .avsc files under record-name subjects with stable ids', async () => {
    const registry = createEmbeddedRegistry();
    expect(await registry.listSubjects()).toEqual([
      'io.fraudstream.DeadLetter',
      'io.fraudstream.FraudLabel',
      'io.fraudstream.Transaction',
      'io.fraudstream.Verdict',
    ]);
    expect(await registry.listVersions('io.fraudstream.Transaction')).toEqual([1, 2]);
    const latest = await registry.getVersion('io.fraudstream.Transaction', 'latest');
    expect(latest).toMatchObject({ id: 102, version: 2, subject: 'io.fraudstream.Transaction' });
    expect(await registry.getSchemaById(101)).toBe(
      (await registry.getVersion('io.fraudstream.Transaction', 1)).schema,
    );
    expect(await registry.register('io.fraudstream.Transaction', latest.schema)).toBe(102);
    expect(await registry.lookup('io.fraudstream.Transaction', latest.schema)).toMatchObject({
      id: 102,
      version: 2,
    });
    expect(registry.getSchemaByIdSync(201)).toContain('"Verdict"');
  });

  it.each([
    ['an unknown id', (r: ReturnType<typeof createEmbeddedRegistry>) => r.getSchemaById(7), 40403],
    [
      'an unknown subject',
      (r: ReturnType<typeof createEmbeddedRegistry>) => r.listVersions('nope'),
      40401,
    ],
    [
      'an unknown version',
      (r: ReturnType<typeof createEmbeddedRegistry>) => r.getVersion('io.fraudstream.Verdict', 5),
      40402,
    ],
  ])('answers %s with FS_REGISTRY_NOT_FOUND', async (_name, call, registryErrorCode) => {
    await expect(call(createEmbeddedRegistry())).rejects.toMatchObject({
      code: 'FS_REGISTRY_NOT_FOUND',
      registryErrorCode,
      retriable: false,
    });
  });

  it('registers a compatible new version in memory with the next dynamic id', async () => {
    const registry = createEmbeddedRegistry();
    const v3 = {
      ...transactionV2,
      fields: [
        ...transactionV2.fields,
        { name: 'card_bin', type: ['null', 'string'], default: null, doc: 'x' },
      ],
    };
    const text = JSON.stringify(v3);
    expect(await registry.checkCompatibility('io.fraudstream.Transaction', text)).toEqual({
      compatible: true,
      messages: [],
    });
    expect(await registry.register('io.fraudstream.Transaction', text)).toBe(10_000);
    expect(await registry.listVersions('io.fraudstream.Transaction')).toEqual([1, 2, 3]);
  });

  it('refuses an incompatible version, naming the field', async () => {
    const registry = createEmbeddedRegistry();
    const broken = {
      ...transactionV2,
      fields: transactionV2.fields.filter((f) => f.name !== 'customer_id'),
    };
    const result = await registry.checkCompatibility(
      'io.fraudstream.Transaction',
      JSON.stringify(broken),
    );
    expect(result.compatible).toBe(false);
    expect(result.messages.join('\n')).toContain('Transaction.customer_id');
    await expect(
      registry.register('io.fraudstream.Transaction', JSON.stringify(broken)),
    ).rejects.toMatchObject({
      code: 'FS_REGISTRY_INCOMPATIBLE',
      message: expect.stringContaining('Transaction.customer_id') as string,
    });
  });

  it('refuses a schema that is not Avro', async () => {
    await expect(createEmbeddedRegistry().register('s', '{"type":"nope"}')).rejects.toBeInstanceOf(
      SchemaRegistryError,
    );
    await expect(createEmbeddedRegistry().register('s', '{"type":"nope"}')).rejects.toMatchObject({
      code: 'FS_REGISTRY_INVALID_SCHEMA',
    });
  });

  it('validates its options', () => {
    expect(() => createEmbeddedRegistry({ firstDynamicId: 5 })).toThrow(SchemaConfigError);
    expect(() => createEmbeddedRegistry({ avroDir: '/nonexistent/avro' })).toThrow(
      /cannot read the schema folder/,
    );
  });
});
