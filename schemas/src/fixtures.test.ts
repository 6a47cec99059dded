import { readFixture } from './fixtures';
import { createEmbeddedRegistry } from './embedded-registry';
import { loadSchemaCatalog, RECORD_NAMES } from './schema-catalog';
import { AvroSerde } from './serde';
import { frame } from './wire-format';

// Bytes of every released version, kept forever in schemas/fixtures. These tests are what makes
// "evolution never breaks producers" checkable: records already in Kafka must stay readable.
describe('wire fixtures of every released version', () => {
  const catalog = loadSchemaCatalog();
  const serde = new AvroSerde(createEmbeddedRegistry({ catalog }));

  it.each(catalog.schemas.map((s) => [`${s.record} v${s.version}`, s] as const))(
    '%s has a fixture, framed with its embedded id, whose bytes the encoder still produces',
    (_label, schema) => {
      const fixture = readFixture(schema);
      if (!fixture)
        throw new Error(
          `no fixture for ${schema.record} v${schema.version}: run npm run fixtures -w @fraudstream/schemas`,
        );
      expect(fixture.schemaId).toBe(schema.embeddedId);
      expect(frame(schema.embeddedId, schema.type.toBuffer(fixture.value))).toEqual(fixture.bytes);
    },
  );

  for (const record of RECORD_NAMES) {
    for (const writer of catalog.versions(record)) {
      for (const reader of catalog.versions(record)) {
        const relation = reader.version >= writer.version ? 'backward' : 'forward';
        it(`${record} v${writer.version} fixture decodes with the v${reader.version} reader (${relation})`, () => {
          const fixture = readFixture(writer);
          expect(fixture).toBeDefined();
          if (!fixture) return;
          const resolver = reader.type.createResolver(writer.type);
          const value = reader.type.fromBuffer(fixture.bytes.subarray(5), resolver) as Record<
            string,
            unknown
          >;
          // Fields both versions have keep their value; fields only the reader has take their default.
          const written = fixture.value as Record<string, unknown>;
          const readerFields = (
            JSON.parse(reader.text) as { fields: { name: string; default?: unknown }[] }
          ).fields;
          for (const f of readerFields) {
            expect(value[f.name]).toEqual(f.name in written ? written[f.name] : f.default);
          }
        });
      }
    }
  }

  // The done-when of issue #3: an old fixture and a new writer version decode in the same run,
  // through the serde a consumer uses.
  it('decodes the Transaction v1 fixture and freshly written v2 bytes with the same serde', async () => {
    const v1 = readFixture(catalog.get('Transaction', 1) ?? catalog.latest('Transaction'));
    expect(v1?.schemaId).toBe(101);
    const old = await serde.decode(v1?.bytes, 'Transaction');
    const fresh = await serde.decode(
      await serde.encode('Transaction', { ...old.value, channel: 'ATM' }),
      'Transaction',
    );
    expect(old.value.channel).toBe('UNKNOWN');
    expect(fresh.schemaId).toBe(102);
    expect(fresh.value).toEqual({ ...old.value, channel: 'ATM' });
  });
});
