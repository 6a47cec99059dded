// The default wire codec of a load run: @fraudstream/schemas' Avro serde in the Confluent
// framing, over the embedded registry unless the caller passes a serde of its own.
import type { DeadLetter, FraudLabel, Transaction } from '@fraudstream/schemas';
import { AvroSerde, createEmbeddedRegistry } from '@fraudstream/schemas';
import type {
  DeadLetterRead,
  DecisionRead,
  FraudLabelRecord,
  LoadCodec,
  TransactionRecord,
} from '../wire/wire-codec';

const BANDS = new Set(['APPROVE', 'REVIEW', 'DECLINE']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** The record of a decisions message: a Verdict, or a Transaction a passthrough worker copied. */
export function readDecisionValue(value: unknown): DecisionRead {
  if (!isRecord(value) || typeof value.transaction_id !== 'string') {
    throw new TypeError('decisions record has no string transaction_id');
  }
  if ('decision' in value) {
    const decision = value.decision;
    if (typeof decision !== 'string' || !BANDS.has(decision)) {
      throw new TypeError(`verdict ${value.transaction_id} has decision ${String(decision)}`);
    }
    const band = decision as DecisionRead['band'];
    const { received_at: receivedAt, scored_at: scoredAt, model_version: model } = value;
    return {
      transactionId: value.transaction_id,
      band,
      ...(typeof receivedAt === 'number' && typeof scoredAt === 'number'
        ? { worker: { receivedAtMs: receivedAt, scoredAtMs: scoredAt } }
        : {}),
      ...(typeof model === 'string' ? { modelVersion: model } : {}),
    };
  }
  return { transactionId: value.transaction_id, band: 'COPY' };
}

/** Avro {@link LoadCodec}; `prepare()` must have resolved before the first encode. */
export class AvroLoadCodec implements LoadCodec {
  /** `serde` defaults to one over the embedded registry (the .avsc files, no server). */
  constructor(readonly serde: AvroSerde = new AvroSerde(createEmbeddedRegistry())) {}

  /** Registers or looks up the writer schemas, so encoding is synchronous afterwards. */
  async prepare(): Promise<this> {
    await this.serde.prepare(['Transaction', 'FraudLabel']);
    return this;
  }

  /** Encodes as the newest Transaction, with the gateway-only fields left unknown. */
  encodeTransaction(tx: TransactionRecord): Buffer {
    const value: Transaction = {
      ...tx,
      channel: 'UNKNOWN',
      merchant_category: null,
      merchant_country: null,
    };
    return this.serde.encodeSync('Transaction', value);
  }

  /** Encodes a FraudLabel. */
  encodeFraudLabel(label: FraudLabelRecord): Buffer {
    const value: FraudLabel = label;
    return this.serde.encodeSync('FraudLabel', value);
  }

  /** Decodes in the writer's shape, so a copied Transaction reads as well as a Verdict. */
  async readDecision(value: Buffer): Promise<DecisionRead> {
    const decoded = await this.serde.decode(value);
    return readDecisionValue(decoded.value);
  }

  /** Decodes a DeadLetter and, when it still decodes, the transaction inside it. */
  async readDeadLetter(value: Buffer): Promise<DeadLetterRead> {
    const { value: dl }: { value: DeadLetter } = await this.serde.decode(value, 'DeadLetter');
    let transactionId: string | undefined;
    if (dl.original_value !== null) {
      try {
        transactionId = (await this.serde.decode(dl.original_value, 'Transaction')).value
          .transaction_id;
      } catch {
        transactionId = undefined; // unreadable input is exactly what dead letters hold
      }
    }
    return {
      transactionId,
      reasonCode: dl.reason_code,
      reasonMessage: dl.reason_message,
      sourcePartition: dl.source_partition,
      ...(dl.original_key_sha256 === null ? {} : { keySha256: dl.original_key_sha256 }),
    };
  }
}
