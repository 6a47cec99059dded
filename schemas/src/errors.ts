// Every error this package raises. Codes are stable strings: consumers route on them (the
// dead-letter record carries one as its reason_code), so a code is never renamed, only added.

/** Codes of input that could not be decoded (never retried, except FS_DECODE_REGISTRY_UNAVAILABLE). */
export const DECODE_ERROR_CODES = [
  'FS_DECODE_TOO_SHORT',
  'FS_DECODE_MAGIC_BYTE',
  'FS_DECODE_UNKNOWN_SCHEMA_ID',
  'FS_DECODE_INCOMPATIBLE_SCHEMA',
  'FS_DECODE_BODY',
  'FS_DECODE_SCHEMA_NOT_LOADED',
  'FS_DECODE_REGISTRY_UNAVAILABLE',
] as const;

/** Codes of values that could not be encoded (programmer errors, never retried). */
export const ENCODE_ERROR_CODES = [
  'FS_ENCODE_INVALID_VALUE',
  'FS_ENCODE_UNKNOWN_RECORD',
  'FS_ENCODE_SCHEMA_NOT_LOADED',
] as const;

/** Codes of schema registry failures. */
export const REGISTRY_ERROR_CODES = [
  'FS_REGISTRY_TIMEOUT',
  'FS_REGISTRY_UNAVAILABLE',
  'FS_REGISTRY_SERVER',
  'FS_REGISTRY_NOT_FOUND',
  'FS_REGISTRY_AUTH',
  'FS_REGISTRY_INCOMPATIBLE',
  'FS_REGISTRY_INVALID_SCHEMA',
  'FS_REGISTRY_REJECTED',
  'FS_REGISTRY_BAD_RESPONSE',
] as const;

/** Codes of transactions that decoded but break the domain rules (never retried). */
export const VALIDATION_ERROR_CODES = [
  'FS_INVALID_ID',
  'FS_INVALID_AMOUNT',
  'FS_INVALID_EVENT_TIME',
  'FS_INVALID_CURRENCY',
] as const;

/** Codes of problems with the .avsc files themselves or with options. */
export const SCHEMA_SET_ERROR_CODES = [
  'FS_SCHEMA_LOAD',
  'FS_SCHEMA_INCOMPATIBLE',
  'FS_CONFIG_INVALID',
] as const;

export type DecodeErrorCode = (typeof DECODE_ERROR_CODES)[number];
export type EncodeErrorCode = (typeof ENCODE_ERROR_CODES)[number];
export type RegistryErrorCode = (typeof REGISTRY_ERROR_CODES)[number];
export type ValidationErrorCode = (typeof VALIDATION_ERROR_CODES)[number];
export type SchemaSetErrorCode = (typeof SCHEMA_SET_ERROR_CODES)[number];
export type SchemaErrorCode =
  DecodeErrorCode | EncodeErrorCode | RegistryErrorCode | ValidationErrorCode | SchemaSetErrorCode;

/** All codes, in the order the README lists them. */
export const SCHEMA_ERROR_CODES: readonly SchemaErrorCode[] = [
  ...DECODE_ERROR_CODES,
  ...ENCODE_ERROR_CODES,
  ...REGISTRY_ERROR_CODES,
  ...VALIDATION_ERROR_CODES,
  ...SCHEMA_SET_ERROR_CODES,
];

/** Base of every error raised by @fraudstream/schemas: a stable code, a retry hint and a cause. */
export class SchemaError extends Error {
  override readonly name: string = 'SchemaError';
  readonly code: SchemaErrorCode;
  /** True when the same call may succeed later (network, server overload); false for bad input. */
  readonly retriable: boolean;

  constructor(
    code: SchemaErrorCode,
    message: string,
    options: { retriable?: boolean; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retriable = options.retriable ?? false;
  }
}

/** Bytes that are not a record we can read: wrong framing, unknown schema, corrupt body. */
export class SchemaDecodeError extends SchemaError {
  override readonly name = 'SchemaDecodeError';
  declare readonly code: DecodeErrorCode;
  /** Schema id read from the header, when the header was intact. */
  readonly schemaId: number | undefined;

  constructor(
    code: DecodeErrorCode,
    message: string,
    options: { schemaId?: number; cause?: unknown } = {},
  ) {
    // Only the registry being unreachable is worth retrying: the same bytes will never decode.
    const retriable =
      code === 'FS_DECODE_REGISTRY_UNAVAILABLE' || code === 'FS_DECODE_SCHEMA_NOT_LOADED';
    super(code, message, { retriable, cause: options.cause });
    this.schemaId = options.schemaId;
  }
}

/** A value that does not fit the writer schema, or a record the serde does not know. */
export class SchemaEncodeError extends SchemaError {
  override readonly name = 'SchemaEncodeError';
  declare readonly code: EncodeErrorCode;
  /** Field paths that failed the schema (e.g. `amount_minor`, `reason_codes[0].feature`). */
  readonly paths: readonly string[];

  constructor(
    code: EncodeErrorCode,
    message: string,
    options: { paths?: string[]; cause?: unknown } = {},
  ) {
    super(code, message, { retriable: false, cause: options.cause });
    this.paths = options.paths ?? [];
  }
}

/** A schema registry call failed; `retriable` tells a transient failure from a refusal. */
export class SchemaRegistryError extends SchemaError {
  override readonly name = 'SchemaRegistryError';
  declare readonly code: RegistryErrorCode;
  /** HTTP status of the registry's answer, when there was one. */
  readonly httpStatus: number | undefined;
  /** Confluent `error_code` of the answer (e.g. 40403 schema not found), when there was one. */
  readonly registryErrorCode: number | undefined;

  constructor(
    code: RegistryErrorCode,
    message: string,
    options: { httpStatus?: number; registryErrorCode?: number; cause?: unknown } = {},
  ) {
    const retriable =
      code === 'FS_REGISTRY_TIMEOUT' ||
      code === 'FS_REGISTRY_UNAVAILABLE' ||
      code === 'FS_REGISTRY_SERVER';
    super(code, message, { retriable, cause: options.cause });
    this.httpStatus = options.httpStatus;
    this.registryErrorCode = options.registryErrorCode;
  }
}

/** A decoded transaction that breaks a domain rule; `field` names the offending field. */
export class TransactionValidationError extends SchemaError {
  override readonly name = 'TransactionValidationError';
  declare readonly code: ValidationErrorCode;
  readonly field: string;

  constructor(code: ValidationErrorCode, field: string, message: string) {
    super(code, message, { retriable: false });
    this.field = field;
  }
}

/** One way in which a reader schema cannot read a writer schema. */
export interface CompatibilityIssue {
  /** Record the issue is in, with the versions compared (e.g. `Transaction v2 -> v3`). */
  readonly subject: string;
  /** `backward`: the newer reader cannot read older data; `forward`: the older reader cannot read newer data. */
  readonly direction: 'backward' | 'forward';
  /** Dotted path of the offending field, e.g. `Transaction.amount_minor` or `Verdict.reason_codes[].feature`. */
  readonly path: string;
  readonly message: string;
}

/** A schema change that breaks readers or writers; `issues` names every offending field. */
export class SchemaCompatibilityError extends SchemaError {
  override readonly name = 'SchemaCompatibilityError';
  readonly issues: readonly CompatibilityIssue[];

  constructor(issues: readonly CompatibilityIssue[], cause?: unknown) {
    super(
      'FS_SCHEMA_INCOMPATIBLE',
      `incompatible schema change:\n${issues.map((i) => `  - ${formatIssue(i)}`).join('\n')}`,
      { retriable: false, cause },
    );
    this.issues = issues;
  }
}

/** A .avsc file that cannot be loaded, or an options object with a bad setting. */
export class SchemaConfigError extends SchemaError {
  override readonly name = 'SchemaConfigError';

  constructor(code: 'FS_SCHEMA_LOAD' | 'FS_CONFIG_INVALID', message: string, cause?: unknown) {
    super(code, message, { retriable: false, cause });
  }
}

/** One line per issue: `Transaction v1 -> v2 (forward): field Transaction.x: message`. */
export function formatIssue(issue: CompatibilityIssue): string {
  return `${issue.subject} (${issue.direction}): field ${issue.path}: ${issue.message}`;
}

/** True when `err` is one of ours; lets callers route on `code` without instanceof across copies. */
export function isSchemaError(err: unknown): err is SchemaError {
  return err instanceof SchemaError;
}
