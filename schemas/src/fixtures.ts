// Wire fixtures: the encoded bytes of every released schema version, kept in the repository
// forever. Tests decode each with every later (and earlier) reader, so a change that would
// strand records already sitting in Kafka fails the build.
//
//   fixtures/<record>-v<N>.bin   framed record (magic byte, embedded schema id, Avro body)
//   fixtures/<record>-v<N>.json  the same value in Avro JSON encoding (avsc toString)
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  sampleDeadLetter,
  sampleFraudLabel,
  sampleTransaction,
  sampleVerdict,
} from './sample-records';
import {
  recordFileStem,
  type CatalogSchema,
  type RecordName,
  type SchemaCatalog,
} from './schema-catalog';
import { frame, readSchemaId } from './wire-format';

/** The package's fixture folder (`schemas/fixtures`), the same from src/ and dist/. */
export const DEFAULT_FIXTURES_DIR = path.resolve(__dirname, '..', 'fixtures');

/** One stored fixture. */
export interface Fixture {
  readonly record: RecordName;
  readonly version: number;
  readonly schemaId: number;
  /** The framed bytes as stored. */
  readonly bytes: Buffer;
  /** The value, parsed from the .json with the fixture's own writer schema. */
  readonly value: unknown;
}

const SAMPLES: Readonly<Record<RecordName, () => object>> = {
  Transaction: () => sampleTransaction(42),
  Verdict: () => sampleVerdict(42),
  FraudLabel: () => sampleFraudLabel(42),
  DeadLetter: () => sampleDeadLetter(42),
};

/** File stem of a version's fixture: `transaction-v1`. */
export function fixtureStem(record: RecordName, version: number): string {
  return `${recordFileStem(record)}-v${version}`;
}

/** The sample value of a record reduced to the fields a given version has. */
export function fixtureValue(schema: CatalogSchema): Record<string, unknown> {
  const sample = SAMPLES[schema.record]() as Record<string, unknown>;
  const fields = JSON.parse(schema.text) as { fields: { name: string }[] };
  return Object.fromEntries(fields.fields.map((f) => [f.name, sample[f.name]]));
}

/**
 * Write the fixture of every version that has none. Released fixtures are never rewritten:
 * their bytes are what producers of that version put on the wire.
 * @returns the files written
 */
export function writeMissingFixtures(
  catalog: SchemaCatalog,
  dir: string = DEFAULT_FIXTURES_DIR,
): string[] {
  fs.mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const schema of catalog.schemas) {
    const stem = fixtureStem(schema.record, schema.version);
    const bin = path.join(dir, `${stem}.bin`);
    const json = path.join(dir, `${stem}.json`);
    if (fs.existsSync(bin) || fs.existsSync(json)) continue;
    const value = fixtureValue(schema);
    fs.writeFileSync(bin, frame(schema.embeddedId, schema.type.toBuffer(value)));
    fs.writeFileSync(json, `${JSON.stringify(JSON.parse(schema.type.toString(value)), null, 2)}\n`);
    written.push(bin, json);
  }
  return written;
}

/** Read the fixture of one version, or undefined when it has none. */
export function readFixture(
  schema: CatalogSchema,
  dir: string = DEFAULT_FIXTURES_DIR,
): Fixture | undefined {
  const stem = fixtureStem(schema.record, schema.version);
  const bin = path.join(dir, `${stem}.bin`);
  const json = path.join(dir, `${stem}.json`);
  if (!fs.existsSync(bin) || !fs.existsSync(json)) return undefined;
  const bytes = fs.readFileSync(bin);
  return {
    record: schema.record,
    version: schema.version,
    schemaId: readSchemaId(bytes),
    bytes,
    value: schema.type.fromString(fs.readFileSync(json, 'utf8')) as unknown,
  };
}
