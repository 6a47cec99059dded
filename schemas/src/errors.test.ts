// The codes themselves are checked against docs/errors.md by tests/docs/docs.test.ts.
import { SCHEMA_ERROR_CODES, SchemaDecodeError, SchemaError, SchemaRegistryError } from './errors';

describe('error codes', () => {
  it('codes are unique', () => {
    expect(new Set(SCHEMA_ERROR_CODES).size).toBe(SCHEMA_ERROR_CODES.length);
  });

  it('only transient failures are retriable', () => {
    expect(new SchemaDecodeError('FS_DECODE_BODY', 'x').retriable).toBe(false);
    expect(new SchemaDecodeError('FS_DECODE_REGISTRY_UNAVAILABLE', 'x').retriable).toBe(true);
    expect(new SchemaRegistryError('FS_REGISTRY_TIMEOUT', 'x').retriable).toBe(true);
    expect(new SchemaRegistryError('FS_REGISTRY_NOT_FOUND', 'x').retriable).toBe(false);
  });

  it('keeps the cause and is a SchemaError', () => {
    const cause = new Error('socket hang up');
    const err = new SchemaDecodeError('FS_DECODE_REGISTRY_UNAVAILABLE', 'x', {
      cause,
      schemaId: 3,
    });
    expect(err).toBeInstanceOf(SchemaError);
    expect(err.cause).toBe(cause);
    expect(err.schemaId).toBe(3);
    expect(err.name).toBe('SchemaDecodeError');
  });
});
