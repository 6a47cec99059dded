// The adapter between the pipeline's ports and @fraudstream/schemas: Avro in the Confluent
// framing over the embedded registry (default) or a REST registry, the domain validation of
// transactions, and the DeadLetter record builder.
import {
  AvroSerde,
  createDeadLetter,
  createEmbeddedRegistry,
  RestSchemaRegistry,
  validateTransaction,
  type SchemaRegistry,
} from '@fraudstream/schemas';
import type { LabelDecodeOutcome } from '../labels/label-consumer';
import type { DeadLetter, Transaction, Verdict } from '../pipeline/contracts';
import type {
  CodecFailure,
  TransactionDecodeOutcome,
  TransactionDecoder,
} from '../pipeline/decode-stage';
import type { DeadLetterReason, EncodedDeadLetter } from '../pipeline/dead-letter-message';
import type { RecordEncoder } from '../pipeline/publish-stage';
import type { SourceRecord } from '../pipeline/types';

/** Options of {@link SchemasCodec.create}. */
export interface SchemasCodecOptions {
  /** Confluent-compatible registry URL; undefined uses the embedded registry. */
  readonly registryUrl?: string;
}

/** Everything the worker encodes and decodes. */
export class SchemasCodec implements TransactionDecoder, RecordEncoder {
  private constructor(
    private readonly serde: AvroSerde,
    private readonly registry: SchemaRegistry,
  ) {}

  /** Builds the registry and serde and resolves the writer ids of Verdict and DeadLetter. */
  static async create(options: SchemasCodecOptions = {}): Promise<SchemasCodec> {
    const registry: SchemaRegistry =
      options.registryUrl === undefined
        ? createEmbeddedRegistry()
        : new RestSchemaRegistry({ url: options.registryUrl });
    const serde = new AvroSerde(registry);
    // Encoding then never waits on the registry (encodeSync on the hot path).
    await serde.prepare(['Verdict', 'DeadLetter']);
    return new SchemasCodec(serde, registry);
  }

  async decodeTransactions(
    values: readonly (Buffer | null)[],
  ): Promise<TransactionDecodeOutcome[]> {
    const outcomes = await this.serde.decodeBatch(values, 'Transaction');
    return outcomes.map((o) =>
      o.ok ? { ok: true, value: o.value } : { ok: false, error: failure(o.error) },
    );
  }

  validateTransaction(
    tx: Transaction,
  ): { readonly ok: true } | { readonly ok: false; readonly error: CodecFailure } {
    const result = validateTransaction(tx);
    return result.ok ? { ok: true } : { ok: false, error: failure(result.error) };
  }

  /** Decodes FraudLabel records. */
  async decodeLabels(values: readonly (Buffer | null)[]): Promise<LabelDecodeOutcome[]> {
    const outcomes = await this.serde.decodeBatch(values, 'FraudLabel');
    return outcomes.map((o) =>
      o.ok ? { ok: true, value: o.value } : { ok: false, error: failure(o.error) },
    );
  }

  encodeVerdict(verdict: Verdict): Buffer {
    return this.serde.encodeSync('Verdict', verdict);
  }

  encodeDeadLetter(
    record: SourceRecord,
    reason: DeadLetterReason,
    nowMs: number,
    maxRecordBytes: number,
  ): EncodedDeadLetter {
    const letter = this.deadLetterOf(record, reason, nowMs, maxRecordBytes);
    return { value: this.serde.encodeSync('DeadLetter', letter), key: letter.original_key };
  }

  /**
   * The DeadLetter record of a source record, by reference when it is larger than
   * `maxRecordBytes` (unset: always a copy); exposed for tests and tools.
   */
  deadLetterOf(
    record: SourceRecord,
    reason: DeadLetterReason,
    nowMs: number,
    maxRecordBytes?: number,
  ): DeadLetter {
    return createDeadLetter(
      {
        topic: record.topic,
        partition: record.partition,
        offset: record.offset,
        key: record.key,
        value: record.value,
        headers: record.headers,
        timestamp: record.timestamp,
      },
      {
        reason: { code: reason.code, message: reason.message },
        attemptCount: reason.attempts,
        firstFailedAt: record.firstFailedAt ?? nowMs,
        lastFailedAt: nowMs,
      },
      nowMs,
      maxRecordBytes === undefined ? undefined : { maxRecordBytes },
    );
  }

  /** Releases the registry client; safe to call twice. */
  async close(): Promise<void> {
    await this.registry.close();
  }
}

function failure(error: { code: string; message: string; retriable: boolean }): CodecFailure {
  return { code: error.code, message: error.message, retriable: error.retriable };
}
