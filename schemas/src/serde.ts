// Encode and decode fraudstream records in the Confluent wire format. The hot path is
// synchronous: once a writer id has been seen, decoding is a header read, a map look-up of the
// cached resolver and one avsc decode, with no promise and no registry call.
import type * as avro from 'avsc';
import { EmbeddedSchemaRegistry } from './embedded-registry';
import {
  SchemaConfigError,
  SchemaDecodeError,
  SchemaEncodeError,
  SchemaRegistryError,
} from './errors';
import {
  asDecodeError,
  buildReadPlan,
  readBody,
  registryToDecodeError,
  type ReadPlan,
} from './read-plan';
import type { RecordTypes } from './record-types';
import {
  createAvroType,
  isRecordName,
  loadSchemaCatalog,
  RECORD_NAMES,
  type RecordName,
  type SchemaCatalog,
} from './schema-catalog';
import type { Decoded, SchemaRegistry } from './types';
import { invalidValue } from './value-check';
import { readSchemaId, WIRE_HEADER_LENGTH } from './wire-format';

/** Options of {@link AvroSerde}. */
export interface AvroSerdeOptions {
  /**
   * Local schemas: the writer schemas this process encodes with and the reader schemas it
   * decodes into.
   * @defaultValue the embedded registry's catalog, else the package's own .avsc files
   */
  readonly catalog?: SchemaCatalog;
  /**
   * Register a record's schema under its subject on first encode. When false, the schema must
   * already be registered (encode fails with FS_REGISTRY_NOT_FOUND otherwise).
   * @defaultValue true
   */
  readonly autoRegister?: boolean;
  /**
   * Subject of each record in the registry.
   * @defaultValue the record-name strategy: `io.fraudstream.<Record>`
   */
  readonly subjects?: Partial<Readonly<Record<RecordName, string>>>;
  /**
   * Initial size of the reusable encode buffer; it grows when a record does not fit.
   * @defaultValue 4096
   */
  readonly encodeBufferBytes?: number;
}

/** Defaults of {@link AvroSerdeOptions}. */
export const DEFAULT_AVRO_SERDE_OPTIONS = {
  autoRegister: true,
  encodeBufferBytes: 4096,
} as const;

/** Which writer version to encode with. */
export interface EncodeOptions {
  /** Version of the record's schema (default: the newest). Older versions exist for producers that pin one. */
  readonly version?: number;
}

/** Result of one record of {@link AvroSerde.decodeBatch}. */
export type DecodeOutcome<T> =
  | { readonly ok: true; readonly schemaId: number; readonly value: T }
  | { readonly ok: false; readonly error: SchemaDecodeError };

interface WriterPlan {
  readonly id: number;
  readonly type: avro.Type;
}

// Key of the "no reader" plans: values come back in the writer's shape.
const WRITER_SHAPE = '';

/** Avro encode/decode of fraudstream records in the Confluent wire format, over any registry. */
export class AvroSerde {
  readonly registry: SchemaRegistry;
  readonly catalog: SchemaCatalog;
  private readonly autoRegister: boolean;
  private readonly subjects: Readonly<Record<RecordName, string>>;
  private readonly writerTypes = new Map<number, avro.Type>();
  private readonly writerLoads = new Map<number, Promise<void>>();
  private readonly plans = new Map<string, Map<number, ReadPlan>>();
  private readonly writers = new Map<string, WriterPlan>();
  private readonly writerPrepares = new Map<string, Promise<WriterPlan>>();
  private scratch: Buffer;

  constructor(registry: SchemaRegistry, options: AvroSerdeOptions = {}) {
    this.registry = registry;
    this.catalog =
      options.catalog ??
      (registry instanceof EmbeddedSchemaRegistry ? registry.catalog : loadSchemaCatalog());
    this.autoRegister = options.autoRegister ?? DEFAULT_AVRO_SERDE_OPTIONS.autoRegister;
    const bufferBytes = options.encodeBufferBytes ?? DEFAULT_AVRO_SERDE_OPTIONS.encodeBufferBytes;
    if (!Number.isInteger(bufferBytes) || bufferBytes < 64) {
      throw new SchemaConfigError(
        'FS_CONFIG_INVALID',
        `AvroSerdeOptions.encodeBufferBytes must be an integer >= 64, got ${bufferBytes}`,
      );
    }
    this.scratch = Buffer.allocUnsafe(bufferBytes);
    const subjects = {} as Record<RecordName, string>;
    for (const record of RECORD_NAMES) {
      const subject = options.subjects?.[record] ?? `io.fraudstream.${record}`;
      if (typeof subject !== 'string' || subject.length === 0) {
        throw new SchemaConfigError(
          'FS_CONFIG_INVALID',
          `AvroSerdeOptions.subjects.${record} must be a non-empty string`,
        );
      }
      subjects[record] = subject;
    }
    this.subjects = subjects;
  }

  /** Subject a record is registered under. */
  subjectFor(record: RecordName): string {
    return this.subjects[record];
  }

  /**
   * Register (or look up) the writer schemas of `records` so that `encodeSync` works for them,
   * and remember their ids so that our own records decode without a registry call.
   */
  async prepare(records: readonly RecordName[] = RECORD_NAMES): Promise<void> {
    await Promise.all(records.map((r) => this.writerFor(r)));
  }

  /**
   * Encode `value` as a framed record. `target` is a record name (its newest version, or
   * `options.version`) or a registry subject (its latest registered version).
   * Rejects with SchemaEncodeError for a bad value, SchemaRegistryError when the registry fails.
   */
  async encode<R extends RecordName>(
    target: R,
    value: RecordTypes[R],
    options?: EncodeOptions,
  ): Promise<Buffer>;
  async encode(target: string, value: unknown, options?: EncodeOptions): Promise<Buffer>;
  async encode(target: string, value: unknown, options: EncodeOptions = {}): Promise<Buffer> {
    const writer =
      this.writers.get(writerKey(target, options.version)) ??
      (await this.writerFor(target, options.version));
    return this.write(writer, value, target);
  }

  /**
   * Encode without a promise, once the writer is known (after `prepare` or a first `encode`).
   * @throws SchemaEncodeError FS_ENCODE_SCHEMA_NOT_LOADED when it is not
   */
  encodeSync<R extends RecordName>(
    target: R,
    value: RecordTypes[R],
    options?: EncodeOptions,
  ): Buffer;
  encodeSync(target: string, value: unknown, options?: EncodeOptions): Buffer;
  encodeSync(target: string, value: unknown, options: EncodeOptions = {}): Buffer {
    const writer = this.writers.get(writerKey(target, options.version));
    if (!writer) {
      throw new SchemaEncodeError(
        'FS_ENCODE_SCHEMA_NOT_LOADED',
        `no writer schema id known yet for ${target}${options.version ? ` v${options.version}` : ''}: call prepare() or encode() first`,
      );
    }
    return this.write(writer, value, target);
  }

  /**
   * Decode a framed record into the newest version of `reader` (Avro schema resolution from
   * whatever compatible version it was written with), or into the writer's own shape when no
   * reader is given. Rejects with SchemaDecodeError only.
   */
  decode<R extends RecordName>(
    bytes: Uint8Array | null | undefined,
    reader: R,
  ): Promise<Decoded<RecordTypes[R]>>;
  decode(bytes: Uint8Array | null | undefined): Promise<Decoded<unknown>>;
  async decode(
    bytes: Uint8Array | null | undefined,
    reader?: RecordName,
  ): Promise<Decoded<unknown>> {
    const id = readSchemaId(bytes);
    if (!this.writerTypes.has(id)) await this.loadWriter(id);
    return this.decodeSync(bytes, reader as RecordName);
  }

  /**
   * Decode without a promise when the writer id has been seen before (the steady state).
   * @throws SchemaDecodeError; FS_DECODE_SCHEMA_NOT_LOADED (retriable) when the id is new: use decode()
   */
  decodeSync<R extends RecordName>(
    bytes: Uint8Array | null | undefined,
    reader: R,
  ): Decoded<RecordTypes[R]>;
  decodeSync(bytes: Uint8Array | null | undefined): Decoded<unknown>;
  decodeSync(bytes: Uint8Array | null | undefined, reader?: RecordName): Decoded<unknown> {
    const id = readSchemaId(bytes);
    const key = reader ?? WRITER_SHAPE;
    let byId = this.plans.get(key);
    if (!byId) {
      byId = new Map();
      this.plans.set(key, byId);
    }
    let plan = byId.get(id);
    if (!plan) {
      const writerType = this.writerTypes.get(id);
      if (!writerType) {
        throw new SchemaDecodeError(
          'FS_DECODE_SCHEMA_NOT_LOADED',
          `schema id ${id} is not loaded yet; decode() fetches it`,
          {
            schemaId: id,
          },
        );
      }
      plan = buildReadPlan(
        id,
        writerType,
        reader === undefined ? undefined : this.catalog.latest(reader),
      );
      byId.set(id, plan);
    }
    return { schemaId: id, value: readBody(bytes as Uint8Array, id, plan) };
  }

  /**
   * Decode a batch with one wait for all the new writer ids in it, then synchronously; every
   * record gets its own outcome, so one bad record never fails the batch.
   */
  async decodeBatch<R extends RecordName>(
    messages: readonly (Uint8Array | null | undefined)[],
    reader: R,
  ): Promise<DecodeOutcome<RecordTypes[R]>[]> {
    const missing = new Set<number>();
    for (const bytes of messages) {
      try {
        const id = readSchemaId(bytes);
        if (!this.writerTypes.has(id)) missing.add(id);
      } catch {
        // reported per record below
      }
    }
    const loadErrors = new Map<number, SchemaDecodeError>();
    await Promise.all(
      [...missing].map((id) =>
        this.loadWriter(id).catch((err: unknown) => {
          loadErrors.set(id, asDecodeError(err, id));
        }),
      ),
    );
    return messages.map((bytes) => {
      try {
        const { schemaId, value } = this.decodeSync(bytes, reader);
        return { ok: true as const, schemaId, value };
      } catch (err) {
        const error = asDecodeError(err);
        const loadError = error.schemaId === undefined ? undefined : loadErrors.get(error.schemaId);
        return {
          ok: false as const,
          error: error.code === 'FS_DECODE_SCHEMA_NOT_LOADED' && loadError ? loadError : error,
        };
      }
    });
  }

  /** Fetch and parse a writer schema once, however many records ask for it at the same time. */
  private loadWriter(id: number): Promise<void> {
    const pending = this.writerLoads.get(id);
    if (pending) return pending;
    const load = this.registry
      .getSchemaById(id)
      .then(
        (text) => {
          let type: avro.Type;
          try {
            type = createAvroType(text);
          } catch (err) {
            throw new SchemaDecodeError(
              'FS_DECODE_INCOMPATIBLE_SCHEMA',
              `writer schema id ${id} is not a valid Avro schema`,
              {
                schemaId: id,
                cause: err,
              },
            );
          }
          this.writerTypes.set(id, type);
        },
        (err: unknown) => {
          throw registryToDecodeError(err, id);
        },
      )
      .finally(() => this.writerLoads.delete(id));
    this.writerLoads.set(id, load);
    return load;
  }

  private async writerFor(target: string, version?: number): Promise<WriterPlan> {
    const key = writerKey(target, version);
    const known = this.writers.get(key);
    if (known) return known;
    const pending = this.writerPrepares.get(key);
    if (pending) return pending;
    const prepare = this.resolveWriter(target, version)
      .then((plan) => {
        this.writers.set(key, plan);
        return plan;
      })
      .finally(() => this.writerPrepares.delete(key));
    this.writerPrepares.set(key, prepare);
    return prepare;
  }

  private async resolveWriter(target: string, version: number | undefined): Promise<WriterPlan> {
    if (!isRecordName(target)) {
      // A subject: encode with what the registry holds for it.
      const registered = await this.registry.getVersion(target, version ?? 'latest');
      const type = this.writerTypes.get(registered.id) ?? createAvroType(registered.schema);
      this.writerTypes.set(registered.id, type);
      return { id: registered.id, type };
    }
    const schema =
      version === undefined ? this.catalog.latest(target) : this.catalog.get(target, version);
    if (!schema) {
      throw new SchemaEncodeError(
        'FS_ENCODE_UNKNOWN_RECORD',
        `${target} has no version ${String(version)} in ${this.catalog.dir} (versions 1..${this.catalog.versions(target).length})`,
      );
    }
    const subject = this.subjects[target];
    let id: number;
    if (this.autoRegister) {
      id = await this.registry.register(subject, schema.text);
    } else {
      const found = await this.registry.lookup(subject, schema.text);
      if (!found) {
        throw new SchemaRegistryError(
          'FS_REGISTRY_NOT_FOUND',
          `${target} v${schema.version} is not registered under subject ${subject}, and AvroSerdeOptions.autoRegister is false`,
        );
      }
      id = found.id;
    }
    // Our own records then decode without asking the registry for their schema.
    if (!this.writerTypes.has(id)) this.writerTypes.set(id, schema.type);
    return { id, type: schema.type };
  }

  private write(writer: WriterPlan, value: unknown, target: string): Buffer {
    let end: number;
    try {
      for (;;) {
        this.scratch[0] = 0;
        this.scratch.writeUInt32BE(writer.id, 1);
        end = writer.type.encode(value, this.scratch, WIRE_HEADER_LENGTH);
        if (end >= 0) break;
        // avsc returns minus the missing byte count when the buffer is too small.
        this.scratch = Buffer.allocUnsafe(
          Math.max(this.scratch.length * 2, this.scratch.length - end),
        );
      }
    } catch (err) {
      throw invalidValue(writer.type, value, target, err);
    }
    const out = Buffer.allocUnsafe(end);
    this.scratch.copy(out, 0, 0, end);
    return out;
  }
}

function writerKey(target: string, version: number | undefined): string {
  return version === undefined ? target : `${target}@${version}`;
}
