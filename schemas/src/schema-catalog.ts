// The .avsc files of this package, loaded once: every released version of every record, with the
// stable id the embedded registry gives it. The newest version of a record is the reader schema
// that our own code decodes into, whichever registry resolved the writer's id.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as avro from 'avsc';
import { SchemaConfigError } from './errors';

/** The records of the fraudstream contract. */
export const RECORD_NAMES = ['Transaction', 'Verdict', 'FraudLabel', 'DeadLetter'] as const;
export type RecordName = (typeof RECORD_NAMES)[number];

/** Avro namespace of every record; full names are `io.fraudstream.<Record>`. */
export const SCHEMA_NAMESPACE = 'io.fraudstream';

/**
 * Embedded schema ids: `block + version` (Transaction v2 = 102). Ids are written into every
 * encoded record and into the fixtures, so a block never moves; a new record takes the next
 * free hundred.
 */
export const EMBEDDED_ID_BLOCKS: Readonly<Record<RecordName, number>> = {
  Transaction: 100,
  Verdict: 200,
  FraudLabel: 300,
  DeadLetter: 400,
};

/** Most versions a record can have before its id block would overlap the next one. */
export const MAX_SCHEMA_VERSION = 99;

/** Folder of the package's .avsc files (`schemas/avro`), the same from src/ and dist/. */
export const DEFAULT_AVRO_DIR = path.resolve(__dirname, '..', 'avro');

const FILE_PATTERN = /^([a-z][a-z0-9]*(?:-[a-z0-9]+)*)-v([1-9][0-9]*)\.avsc$/;

/** One released version of one record. */
export interface CatalogSchema {
  readonly record: RecordName;
  /** `io.fraudstream.Transaction`. */
  readonly fullName: string;
  readonly version: number;
  /** Id in the embedded registry (`EMBEDDED_ID_BLOCKS[record] + version`). */
  readonly embeddedId: number;
  /** Absolute path of the .avsc file. */
  readonly file: string;
  /** The schema as compact JSON text: what is registered and compared. */
  readonly text: string;
  /** Parsed avsc type. */
  readonly type: avro.Type;
}

/** Every version of every record found in one folder of .avsc files. */
export interface SchemaCatalog {
  readonly dir: string;
  readonly schemas: readonly CatalogSchema[];
  /** Versions of a record, oldest first. */
  versions(record: RecordName): readonly CatalogSchema[];
  /** Newest version of a record: the reader schema. */
  latest(record: RecordName): CatalogSchema;
  get(record: RecordName, version: number): CatalogSchema | undefined;
  byEmbeddedId(id: number): CatalogSchema | undefined;
}

/**
 * How avsc builds types everywhere in this package. Logical types are deliberately not
 * registered: `timestamp-millis` then decodes as its underlying long, i.e. a plain number of
 * epoch milliseconds, which is what the TS types promise and what the hot path wants (no Date
 * allocation per field).
 */
export const AVRO_TYPE_OPTIONS = { wrapUnions: 'auto' } as const;

/** Parse an Avro schema (object or JSON text) into an avsc type with this package's options. */
export function createAvroType(schema: avro.Schema | string): avro.Type {
  const parsed: avro.Schema =
    typeof schema === 'string' ? (JSON.parse(schema) as avro.Schema) : schema;
  // A fresh options object each time: avsc stores every named type in `opts.registry`, and a
  // shared registry would make the second version of a record a "duplicate type name".
  return avro.Type.forSchema(parsed, { ...AVRO_TYPE_OPTIONS, registry: {} });
}

/** kebab-case file stem of a record name: `FraudLabel` -> `fraud-label`. */
export function recordFileStem(record: string): string {
  return record.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

/** True when `name` is one of the contract's records. */
export function isRecordName(name: string): name is RecordName {
  return (RECORD_NAMES as readonly string[]).includes(name);
}

/**
 * Load every `<record>-v<N>.avsc` in `dir`. Fails on anything that would make ids unstable or
 * history incomplete: a file whose name does not match its record, a gap in the versions, an
 * unknown record, or a schema avsc cannot parse.
 */
export function loadSchemaCatalog(dir: string = DEFAULT_AVRO_DIR): SchemaCatalog {
  let entries: string[];
  try {
    entries = fs.readdirSync(dir).filter((f) => f.endsWith('.avsc'));
  } catch (err) {
    throw new SchemaConfigError('FS_SCHEMA_LOAD', `cannot read the schema folder ${dir}`, err);
  }
  const schemas: CatalogSchema[] = [];
  for (const file of entries.sort()) {
    schemas.push(loadSchemaFile(path.join(dir, file)));
  }
  const byRecord = new Map<RecordName, CatalogSchema[]>();
  for (const s of schemas) {
    const list = byRecord.get(s.record) ?? [];
    list.push(s);
    byRecord.set(s.record, list);
  }
  for (const [record, list] of byRecord) {
    list.sort((a, b) => a.version - b.version);
    list.forEach((s, i) => {
      if (s.version !== i + 1) {
        throw new SchemaConfigError(
          'FS_SCHEMA_LOAD',
          `${record} versions must run 1..N without gaps, found v${s.version} where v${i + 1} was expected (${dir})`,
        );
      }
    });
  }
  const byId = new Map(schemas.map((s) => [s.embeddedId, s]));
  return {
    dir,
    schemas,
    versions: (record) => byRecord.get(record) ?? [],
    latest(record) {
      const list = byRecord.get(record);
      const last = list?.[list.length - 1];
      if (!last) {
        throw new SchemaConfigError(
          'FS_SCHEMA_LOAD',
          `no ${recordFileStem(record)}-v<N>.avsc in ${dir}`,
        );
      }
      return last;
    },
    get: (record, version) => byRecord.get(record)?.[version - 1],
    byEmbeddedId: (id) => byId.get(id),
  };
}

function loadSchemaFile(file: string): CatalogSchema {
  const base = path.basename(file);
  const match = FILE_PATTERN.exec(base);
  if (!match) {
    throw new SchemaConfigError(
      'FS_SCHEMA_LOAD',
      `${file}: schema files are named <record>-v<N>.avsc`,
    );
  }
  const stem = match[1] ?? '';
  const version = Number(match[2]);
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new SchemaConfigError('FS_SCHEMA_LOAD', `${file}: not valid JSON`, err);
  }
  let type: avro.Type;
  try {
    type = createAvroType(json as avro.Schema);
  } catch (err) {
    throw new SchemaConfigError(
      'FS_SCHEMA_LOAD',
      `${file}: not a valid Avro schema: ${String(err)}`,
      err,
    );
  }
  const fullName = type.name ?? '';
  const shortName = fullName.slice(fullName.lastIndexOf('.') + 1);
  if (type.typeName !== 'record' || !isRecordName(shortName)) {
    throw new SchemaConfigError(
      'FS_SCHEMA_LOAD',
      `${file}: top-level type must be one of the records ${RECORD_NAMES.join(', ')} (found ${fullName || type.typeName}); a new record also needs an id block in EMBEDDED_ID_BLOCKS`,
    );
  }
  if (recordFileStem(shortName) !== stem) {
    throw new SchemaConfigError(
      'FS_SCHEMA_LOAD',
      `${file}: holds ${shortName}, so it must be named ${recordFileStem(shortName)}-v${version}.avsc`,
    );
  }
  if (version > MAX_SCHEMA_VERSION) {
    throw new SchemaConfigError(
      'FS_SCHEMA_LOAD',
      `${file}: versions stop at ${MAX_SCHEMA_VERSION}`,
    );
  }
  return {
    record: shortName,
    fullName,
    version,
    embeddedId: EMBEDDED_ID_BLOCKS[shortName] + version,
    file,
    text: JSON.stringify(json),
    type,
  };
}
