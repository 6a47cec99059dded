// Stage 1: bytes → validated Transaction. Every record gets its own outcome, so one bad record
// never fails the batch: bad input is rejected (dead letter, never retried); a registry that
// cannot be reached is transient (retry queue). A record over the size limit is rejected before
// any decode work: it is never parsed, never stored as a retry job, and its dead letter is by
// reference (dead-letter-message.ts), so neither can grow past what Kafka and Redis accept.
import { recordSizeBytes } from '@fraudstream/schemas';
import { DEFAULT_WORKER_OPTIONS } from '../config/worker-options';
import { RecordTooLargeError } from '../errors';
import type { Transaction } from './contracts';
import type { DecodedRecord, Rejection, RetryRequest, SourceRecord } from './types';

/** A failure as the codec reports it: a stable code and whether another attempt may succeed. */
export interface CodecFailure {
  readonly code: string;
  readonly message: string;
  readonly retriable: boolean;
}

/** Outcome of decoding one record. */
export type TransactionDecodeOutcome =
  | { readonly ok: true; readonly value: Transaction }
  | { readonly ok: false; readonly error: CodecFailure };

/** What the decode stage needs from @fraudstream/schemas (adapters/schemas-codec.ts). */
export interface TransactionDecoder {
  /** Decodes a batch; one wait for new schema ids, then one outcome per record. */
  decodeTransactions(values: readonly (Buffer | null)[]): Promise<TransactionDecodeOutcome[]>;
  /** Domain rules (ids, amount, currency, event time); never throws for a bad transaction. */
  validateTransaction(
    tx: Transaction,
  ): { readonly ok: true } | { readonly ok: false; readonly error: CodecFailure };
}

/** Records sorted by what happens to them next. */
export interface DecodeResult {
  readonly decoded: DecodedRecord[];
  readonly rejected: Rejection[];
  readonly retry: RetryRequest[];
}

/** Stage 1 of the pipeline. */
export interface DecodeStage {
  run(records: readonly SourceRecord[]): Promise<DecodeResult>;
}

/** Options of {@link createDecodeStage}. */
export interface DecodeStageOptions {
  /** Largest record (key, value and headers) decoded. @defaultValue FS_MAX_RECORD_BYTES' default */
  readonly maxRecordBytes?: number;
}

/** The rejection of `record` when it is larger than `maxRecordBytes`, else undefined. */
export function oversizedRejection(
  record: SourceRecord,
  maxRecordBytes: number,
): Rejection | undefined {
  const size = recordSizeBytes(record);
  if (size <= maxRecordBytes) return undefined;
  const error = new RecordTooLargeError(size, maxRecordBytes);
  return { record, code: error.code, message: error.message };
}

/** The decode stage over a decoder. */
export function createDecodeStage(
  decoder: TransactionDecoder,
  options: DecodeStageOptions = {},
): DecodeStage {
  const maxRecordBytes = options.maxRecordBytes ?? DEFAULT_WORKER_OPTIONS.maxRecordBytes;
  return {
    async run(records) {
      const result: DecodeResult = { decoded: [], rejected: [], retry: [] };
      const oversized = records.map((r) => oversizedRejection(r, maxRecordBytes));
      const decodable = records.filter((_, i) => oversized[i] === undefined);
      const outcomes =
        decodable.length > 0 ? await decoder.decodeTransactions(decodable.map((r) => r.value)) : [];
      let next = 0;
      // In input order, so the chunk's dead letters keep the order of their records.
      records.forEach((record, i) => {
        const tooLarge = oversized[i];
        if (tooLarge) {
          result.rejected.push(tooLarge);
          return;
        }
        const outcome = outcomes[next++];
        if (outcome === undefined) {
          result.rejected.push({
            record,
            code: 'FS_INTERNAL',
            message: 'decoder returned fewer outcomes than records',
          });
        } else if (!outcome.ok) {
          if (outcome.error.retriable) result.retry.push({ record, error: outcome.error });
          else
            result.rejected.push({
              record,
              code: outcome.error.code,
              message: outcome.error.message,
            });
        } else {
          const valid = decoder.validateTransaction(outcome.value);
          if (valid.ok) result.decoded.push({ record, tx: outcome.value });
          else
            result.rejected.push({ record, code: valid.error.code, message: valid.error.message });
        }
      });
      return result;
    },
  };
}
