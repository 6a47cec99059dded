import * as fs from 'node:fs';
import * as path from 'node:path';
import { SCHEMA_ERROR_CODES, SchemaDecodeError, SchemaError, SchemaRegistryError } from './errors';

describe('error codes', () => {
  it('the README lists exactly the codes errors.ts defines', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Errors'));
    const listed = [...section.matchAll(/^\|\s*`(FS_[A-Z_]+)`\s*\|/gm)].map((m) => m[1]);
    expect(listed).toEqual([...SCHEMA_ERROR_CODES]);
  });

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
