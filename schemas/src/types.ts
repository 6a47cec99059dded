// Public types shared by the registries and the serde. Record shapes live in record-types.ts,
// generated from the .avsc files.

/** One schema as a registry holds it under a subject. */
export interface RegisteredSchema {
  /** Global schema id, the one written in the wire header. */
  readonly id: number;
  readonly subject: string;
  /** Version of the schema within the subject, from 1. */
  readonly version: number;
  /** The schema as JSON text. */
  readonly schema: string;
}

/** Answer of a compatibility check against a subject's registered versions. */
export interface CompatibilityResult {
  readonly compatible: boolean;
  /** Why not, one line per problem (empty when compatible). */
  readonly messages: readonly string[];
}

/** Confluent compatibility levels; fraudstream subjects use FULL_TRANSITIVE. */
export type CompatibilityLevel =
  | 'NONE'
  | 'BACKWARD'
  | 'BACKWARD_TRANSITIVE'
  | 'FORWARD'
  | 'FORWARD_TRANSITIVE'
  | 'FULL'
  | 'FULL_TRANSITIVE';

/**
 * What the serde needs from a schema registry; implemented by the embedded registry (the .avsc
 * files, no server) and by the Confluent Schema Registry REST client. Every method rejects with
 * a `SchemaRegistryError`.
 */
export interface SchemaRegistry {
  readonly kind: 'embedded' | 'rest';
  /** Writer schema JSON for an id (cached forever: an id never changes its schema). */
  getSchemaById(id: number): Promise<string>;
  /** Register `schema` under `subject` (idempotent) and return its global id. */
  register(subject: string, schema: string): Promise<number>;
  /** The registered entry for exactly this schema under `subject`, or undefined. */
  lookup(subject: string, schema: string): Promise<RegisteredSchema | undefined>;
  /** One version of a subject (`'latest'` for the newest). */
  getVersion(subject: string, version: number | 'latest'): Promise<RegisteredSchema>;
  /** Version numbers registered under a subject, oldest first. */
  listVersions(subject: string): Promise<number[]>;
  listSubjects(): Promise<string[]>;
  /** Would `schema` be accepted as the next version of `subject` under its compatibility level? */
  checkCompatibility(
    subject: string,
    schema: string,
    version?: number | 'latest',
  ): Promise<CompatibilityResult>;
  /** Release resources; safe to call twice. */
  close(): Promise<void>;
}

/** A decoded record and the id of the schema it was written with. */
export interface Decoded<T> {
  readonly schemaId: number;
  readonly value: T;
}
