// Stage 1: bytes → validated Transaction. Every record gets its own outcome, so one bad record
// never fails the batch: bad input is rejected (dead letter, never retried); a registry that
// cannot be reached is transient (retry queue).
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

/** The decode stage over a decoder. */
export function createDecodeStage(decoder: TransactionDecoder): DecodeStage {
  return {
    async run(records) {
      const outcomes = await decoder.decodeTransactions(records.map((r) => r.value));
      const result: DecodeResult = { decoded: [], rejected: [], retry: [] };
      records.forEach((record, i) => {
        const outcome = outcomes[i];
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
