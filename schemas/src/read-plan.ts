// How one writer schema is read into one reader record: the resolver avsc builds for the pair,
// whether the body needs the bounds walk first, or why the pair can never be read. Built once per
// (writer id, reader record) and cached by the serde.
import type * as avro from 'avsc';
import { checkBodyBounds, needsBodyGuard } from './body-guard';
import { findResolutionProblems } from './compatibility';
import { SchemaDecodeError, SchemaRegistryError, type DecodeErrorCode } from './errors';
import type { CatalogSchema } from './schema-catalog';
import { WIRE_HEADER_LENGTH } from './wire-format';

type Resolver = ReturnType<avro.Type['createResolver']>;

/** Everything needed to decode bodies written with one schema id into one reader. */
export interface ReadPlan {
  readonly readerType: avro.Type;
  readonly writerType: avro.Type;
  readonly resolver: Resolver | undefined;
  readonly guarded: boolean;
  readonly error?: { readonly code: DecodeErrorCode; readonly message: string };
}

/** Plan reading `writerType` (schema `id`) as `readerSchema`, or in the writer's shape when undefined. */
export function buildReadPlan(
  id: number,
  writerType: avro.Type,
  readerSchema: CatalogSchema | undefined,
): ReadPlan {
  const guarded = needsBodyGuard(writerType);
  if (readerSchema === undefined)
    return { readerType: writerType, writerType, resolver: undefined, guarded };
  const reader = readerSchema.record;
  const readerType = readerSchema.type;
  if (shortName(writerType) !== reader) {
    return {
      readerType,
      writerType,
      resolver: undefined,
      guarded,
      error: {
        code: 'FS_DECODE_INCOMPATIBLE_SCHEMA',
        message: `schema id ${id} is ${writerType.name ?? writerType.typeName}, not a ${readerSchema.fullName}: wrong topic or wrong reader`,
      },
    };
  }
  // Our own newest schema needs no resolution; avsc reads it directly, a little faster.
  if (writerType === readerType || writerType.equals(readerType)) {
    return { readerType, writerType, resolver: undefined, guarded };
  }
  try {
    return { readerType, writerType, resolver: readerType.createResolver(writerType), guarded };
  } catch (err) {
    const problems = findResolutionProblems(readerType, writerType, reader);
    const detail =
      problems.length > 0 ? problems.map((p) => `${p.path}: ${p.message}`).join('; ') : String(err);
    return {
      readerType,
      writerType,
      resolver: undefined,
      guarded,
      error: {
        code: 'FS_DECODE_INCOMPATIBLE_SCHEMA',
        message: `writer schema id ${id} cannot be read as ${readerSchema.fullName} v${readerSchema.version}: ${detail}`,
      },
    };
  }
}

/** Decode the Avro body of a framed record with a plan. */
export function readBody(bytes: Uint8Array, id: number, plan: ReadPlan): unknown {
  if (plan.error)
    throw new SchemaDecodeError(plan.error.code, plan.error.message, { schemaId: id });
  const buf = Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  if (plan.guarded) {
    const problem = checkBodyBounds(plan.writerType, buf, WIRE_HEADER_LENGTH);
    if (problem)
      throw new SchemaDecodeError(
        'FS_DECODE_BODY',
        `corrupt Avro body for schema id ${id}: ${problem}`,
        { schemaId: id },
      );
  }
  let result: { value: unknown; offset: number };
  try {
    result = plan.readerType.decode(buf, WIRE_HEADER_LENGTH, plan.resolver);
  } catch (err) {
    throw new SchemaDecodeError(
      'FS_DECODE_BODY',
      `corrupt Avro body for schema id ${id}: ${errorMessage(err)}`,
      {
        schemaId: id,
        cause: err,
      },
    );
  }
  if (result.offset < 0) {
    throw new SchemaDecodeError(
      'FS_DECODE_BODY',
      `Avro body for schema id ${id} is truncated (${buf.length} bytes)`,
      {
        schemaId: id,
      },
    );
  }
  if (result.offset !== buf.length) {
    throw new SchemaDecodeError(
      'FS_DECODE_BODY',
      `Avro body for schema id ${id} has ${buf.length - result.offset} trailing bytes: wrong schema id or corrupt record`,
      { schemaId: id },
    );
  }
  return result.value;
}

/** Unqualified name of a named type. */
export function shortName(type: avro.Type): string {
  const name = type.name ?? '';
  return name.slice(name.lastIndexOf('.') + 1);
}

/** Message of an error, or the value as a string. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A registry failure met while fetching a writer schema, as the decode error it causes. */
export function registryToDecodeError(err: unknown, id: number): SchemaDecodeError {
  if (err instanceof SchemaDecodeError) return err;
  if (err instanceof SchemaRegistryError && err.code === 'FS_REGISTRY_NOT_FOUND') {
    return new SchemaDecodeError(
      'FS_DECODE_UNKNOWN_SCHEMA_ID',
      `schema id ${id} is unknown to the registry: ${err.message}`,
      {
        schemaId: id,
        cause: err,
      },
    );
  }
  return new SchemaDecodeError(
    'FS_DECODE_REGISTRY_UNAVAILABLE',
    `could not fetch schema id ${id} from the registry: ${errorMessage(err)}`,
    { schemaId: id, cause: err },
  );
}

/** Any failure during decoding as a SchemaDecodeError. */
export function asDecodeError(err: unknown, id?: number): SchemaDecodeError {
  if (err instanceof SchemaDecodeError) return err;
  return new SchemaDecodeError(
    'FS_DECODE_BODY',
    `unexpected decode failure: ${errorMessage(err)}`,
    {
      schemaId: id,
      cause: err,
    },
  );
}
