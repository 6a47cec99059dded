// Explaining why a value does not fit its writer schema: avsc says "invalid", we name the fields.
import type * as avro from 'avsc';
import { SchemaEncodeError } from './errors';
import { errorMessage } from './read-plan';

/** The encode error for `value`, listing every field path avsc rejects. */
export function invalidValue(
  type: avro.Type,
  value: unknown,
  target: string,
  cause: unknown,
): SchemaEncodeError {
  const paths: string[] = [];
  type.isValid(value, {
    errorHook: (path: string[], got: unknown, t: avro.Type) => {
      paths.push(`${path.join('.') || '<root>'} (expected ${t.typeName}, got ${describe(got)})`);
    },
  });
  const detail = paths.length > 0 ? paths.join('; ') : errorMessage(cause);
  return new SchemaEncodeError(
    'FS_ENCODE_INVALID_VALUE',
    `${target} value does not match its schema: ${detail}`,
    {
      paths: paths.map((p) => p.slice(0, p.indexOf(' ('))),
      cause,
    },
  );
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'string')
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return Array.isArray(value) ? 'array' : typeof value;
}
