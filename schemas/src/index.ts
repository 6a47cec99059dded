// Public entry point of @fraudstream/schemas: the Avro contracts of fraudstream, their
// TypeScript shapes, Confluent framing, the embedded and REST registries, evolution checks and
// the domain validation of transactions.

export { renderRecordTypes, RECORD_TYPES_FILE } from './codegen/record-types-codegen';
export {
  assertCatalogCompatible,
  checkCatalogCompatibility,
  checkVersionPair,
  findResolutionProblems,
} from './compatibility';
export type { ResolutionProblem } from './compatibility';
export {
  CURRENCY_EXPONENTS,
  currencyExponent,
  fromMinorUnits,
  isKnownCurrency,
  toMinorUnits,
} from './currency';
export {
  createDeadLetter,
  MAX_REASON_MESSAGE_CHARS,
  recordSizeBytes,
  REFERENCE_KEPT_BYTES,
  UNKNOWN_REASON_CODE,
} from './dead-letter';
export type { DeadLetterLimits, FailedMessage, FailureInfo } from './dead-letter';
export {
  createEmbeddedRegistry,
  DEFAULT_EMBEDDED_REGISTRY_OPTIONS,
  EmbeddedSchemaRegistry,
} from './embedded-registry';
export type { EmbeddedRegistryOptions } from './embedded-registry';
export {
  DECODE_ERROR_CODES,
  ENCODE_ERROR_CODES,
  formatIssue,
  isSchemaError,
  REGISTRY_ERROR_CODES,
  SCHEMA_ERROR_CODES,
  SCHEMA_SET_ERROR_CODES,
  SchemaCompatibilityError,
  SchemaConfigError,
  SchemaDecodeError,
  SchemaEncodeError,
  SchemaError,
  SchemaRegistryError,
  TransactionValidationError,
  VALIDATION_ERROR_CODES,
} from './errors';
export type {
  CompatibilityIssue,
  DecodeErrorCode,
  EncodeErrorCode,
  RegistryErrorCode,
  SchemaErrorCode,
  SchemaSetErrorCode,
  ValidationErrorCode,
} from './errors';
export { DEFAULT_FIXTURES_DIR, readFixture, writeMissingFixtures } from './fixtures';
export type { Fixture } from './fixtures';
export {
  CHANNEL_SYMBOLS,
  DECISION_SYMBOLS,
  LABEL_SOURCE_SYMBOLS,
  RECORD_TYPE_VERSIONS,
} from './record-types';
export type {
  Channel,
  DeadLetter,
  Decision,
  FraudLabel,
  KafkaHeader,
  LabelSource,
  ReasonCode,
  RecordTypes,
  Thresholds,
  Transaction,
  Verdict,
} from './record-types';
export { DEFAULT_REST_REGISTRY_OPTIONS, RestSchemaRegistry } from './rest-registry';
export type { RestRegistryStats, RestSchemaRegistryOptions } from './rest-registry';
export {
  SAMPLE_EPOCH_MS,
  sampleDeadLetter,
  sampleFraudLabel,
  sampleTransaction,
  sampleVerdict,
} from './sample-records';
export {
  AVRO_TYPE_OPTIONS,
  createAvroType,
  DEFAULT_AVRO_DIR,
  EMBEDDED_ID_BLOCKS,
  isRecordName,
  loadSchemaCatalog,
  RECORD_NAMES,
  SCHEMA_NAMESPACE,
} from './schema-catalog';
export type { CatalogSchema, RecordName, SchemaCatalog } from './schema-catalog';
export { lintCatalog } from './schema-lint';
export { AvroSerde, DEFAULT_AVRO_SERDE_OPTIONS } from './serde';
export type { AvroSerdeOptions, DecodeOutcome, EncodeOptions } from './serde';
export type {
  CompatibilityLevel,
  CompatibilityResult,
  Decoded,
  RegisteredSchema,
  SchemaRegistry,
} from './types';
export {
  assertValidTransaction,
  createTransactionValidator,
  DEFAULT_TRANSACTION_VALIDATION_OPTIONS,
  validateTransaction,
} from './validation';
export type {
  TransactionValidationOptions,
  TransactionValidator,
  ValidationResult,
} from './validation';
export {
  frame,
  MAGIC_BYTE,
  readSchemaId,
  unframe,
  WIRE_HEADER_LENGTH,
  writeWireHeader,
} from './wire-format';
