// The default registry: no server, schemas and ids straight from the package's .avsc files.
// Subjects follow the record-name strategy (`io.fraudstream.Transaction`), so they do not depend
// on topic names, which are configuration. Schemas registered at run time live in memory only.
import type * as avro from 'avsc';
import { findResolutionProblems } from './compatibility';
import { SchemaConfigError, SchemaRegistryError } from './errors';
import {
  createAvroType,
  DEFAULT_AVRO_DIR,
  loadSchemaCatalog,
  type SchemaCatalog,
} from './schema-catalog';
import type { CompatibilityResult, RegisteredSchema, SchemaRegistry } from './types';

/** Options of the embedded registry. */
export interface EmbeddedRegistryOptions {
  /**
   * Folder of `<record>-v<N>.avsc` files.
   * @defaultValue the package's own `schemas/avro`
   */
  readonly avroDir?: string;
  /** An already loaded catalog (wins over avroDir). */
  readonly catalog?: SchemaCatalog;
  /**
   * First id handed to a schema registered at run time (the .avsc files use 101..499).
   * @defaultValue 10000
   */
  readonly firstDynamicId?: number;
}

/** Defaults of {@link EmbeddedRegistryOptions}. */
export const DEFAULT_EMBEDDED_REGISTRY_OPTIONS = {
  avroDir: DEFAULT_AVRO_DIR,
  firstDynamicId: 10_000,
} as const;

interface StoredSchema {
  readonly id: number;
  readonly text: string;
  readonly type: avro.Type;
}

/** Registry backed by the .avsc files; ids are stable across processes and releases. */
export class EmbeddedSchemaRegistry implements SchemaRegistry {
  readonly kind = 'embedded' as const;
  readonly catalog: SchemaCatalog;
  private readonly byId = new Map<number, StoredSchema>();
  private readonly byText = new Map<string, StoredSchema>();
  private readonly subjects = new Map<string, number[]>();
  private nextDynamicId: number;

  constructor(options: EmbeddedRegistryOptions = {}) {
    const firstDynamicId =
      options.firstDynamicId ?? DEFAULT_EMBEDDED_REGISTRY_OPTIONS.firstDynamicId;
    if (!Number.isInteger(firstDynamicId) || firstDynamicId < 1000) {
      throw new SchemaConfigError(
        'FS_CONFIG_INVALID',
        `EmbeddedRegistryOptions.firstDynamicId must be an integer >= 1000, got ${firstDynamicId}`,
      );
    }
    this.nextDynamicId = firstDynamicId;
    this.catalog = options.catalog ?? loadSchemaCatalog(options.avroDir ?? DEFAULT_AVRO_DIR);
    for (const s of this.catalog.schemas) {
      const stored = { id: s.embeddedId, text: s.text, type: s.type };
      this.byId.set(stored.id, stored);
      this.byText.set(stored.text, stored);
      const ids = this.subjects.get(s.fullName) ?? [];
      ids[s.version - 1] = s.embeddedId;
      this.subjects.set(s.fullName, ids);
    }
  }

  /** Schema JSON by id, or undefined; synchronous, for callers that can skip the promise. */
  getSchemaByIdSync(id: number): string | undefined {
    return this.byId.get(id)?.text;
  }

  getSchemaById(id: number): Promise<string> {
    const stored = this.byId.get(id);
    if (!stored) {
      return Promise.reject(
        new SchemaRegistryError(
          'FS_REGISTRY_NOT_FOUND',
          `schema id ${id} is not in the embedded registry`,
          {
            registryErrorCode: 40403,
          },
        ),
      );
    }
    return Promise.resolve(stored.text);
  }

  register(subject: string, schema: string): Promise<number> {
    return settle(() => {
      const { text, type } = parse(schema);
      const ids = this.subjects.get(subject) ?? [];
      const existing = this.byText.get(text);
      if (existing && ids.includes(existing.id)) return existing.id;
      const problems = this.problemsAgainst(ids, type);
      if (problems.length > 0) {
        throw new SchemaRegistryError(
          'FS_REGISTRY_INCOMPATIBLE',
          `schema is incompatible with subject ${subject} (FULL_TRANSITIVE): ${problems.join('; ')}`,
          { httpStatus: 409, registryErrorCode: 409 },
        );
      }
      const stored = existing ?? { id: this.nextDynamicId++, text, type };
      this.byId.set(stored.id, stored);
      this.byText.set(text, stored);
      this.subjects.set(subject, [...ids, stored.id]);
      return stored.id;
    });
  }

  lookup(subject: string, schema: string): Promise<RegisteredSchema | undefined> {
    return settle(() => {
      const { text } = parse(schema);
      const ids = this.subjects.get(subject) ?? [];
      const existing = this.byText.get(text);
      const index = existing ? ids.indexOf(existing.id) : -1;
      return existing && index >= 0
        ? { id: existing.id, subject, version: index + 1, schema: existing.text }
        : undefined;
    });
  }

  getVersion(subject: string, version: number | 'latest'): Promise<RegisteredSchema> {
    return settle(() => {
      const ids = this.subjectIds(subject);
      const index = version === 'latest' ? ids.length - 1 : version - 1;
      const id = ids[index];
      const stored = id === undefined ? undefined : this.byId.get(id);
      if (!stored) {
        throw new SchemaRegistryError(
          'FS_REGISTRY_NOT_FOUND',
          `subject ${subject} has no version ${version}`,
          {
            registryErrorCode: 40402,
          },
        );
      }
      return { id: stored.id, subject, version: index + 1, schema: stored.text };
    });
  }

  listVersions(subject: string): Promise<number[]> {
    return settle(() => this.subjectIds(subject).map((_, i) => i + 1));
  }

  listSubjects(): Promise<string[]> {
    return Promise.resolve([...this.subjects.keys()].sort());
  }

  checkCompatibility(
    subject: string,
    schema: string,
    version: number | 'latest' = 'latest',
  ): Promise<CompatibilityResult> {
    return settle(() => {
      const { type } = parse(schema);
      const ids = this.subjects.get(subject) ?? [];
      // 'latest' under FULL_TRANSITIVE means: against every version, as registering would.
      const against = version === 'latest' ? ids : ids.slice(version - 1, version);
      const messages = this.problemsAgainst(against, type);
      return { compatible: messages.length === 0, messages };
    });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private subjectIds(subject: string): number[] {
    const ids = this.subjects.get(subject);
    if (!ids || ids.length === 0) {
      throw new SchemaRegistryError(
        'FS_REGISTRY_NOT_FOUND',
        `subject ${subject} is not in the embedded registry`,
        {
          registryErrorCode: 40401,
        },
      );
    }
    return ids;
  }

  private problemsAgainst(ids: readonly number[], type: avro.Type): string[] {
    const messages: string[] = [];
    for (const id of ids) {
      const other = this.byId.get(id);
      if (!other) continue;
      for (const p of findResolutionProblems(type, other.type)) {
        messages.push(`backward vs id ${id}: ${p.path}: ${p.message}`);
      }
      for (const p of findResolutionProblems(other.type, type)) {
        messages.push(`forward vs id ${id}: ${p.path}: ${p.message}`);
      }
    }
    return messages;
  }
}

/** The default registry: the package's .avsc files, no server needed. */
export function createEmbeddedRegistry(
  options: EmbeddedRegistryOptions = {},
): EmbeddedSchemaRegistry {
  return new EmbeddedSchemaRegistry(options);
}

function parse(schema: string): { text: string; type: avro.Type } {
  try {
    const json: unknown = JSON.parse(schema);
    return { text: JSON.stringify(json), type: createAvroType(json as avro.Schema) };
  } catch (err) {
    throw new SchemaRegistryError(
      'FS_REGISTRY_INVALID_SCHEMA',
      `not a valid Avro schema: ${String(err)}`,
      {
        httpStatus: 422,
        registryErrorCode: 42201,
        cause: err,
      },
    );
  }
}

// Run synchronous registry logic behind the async interface, turning throws into rejections.
function settle<T>(fn: () => T): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
}
