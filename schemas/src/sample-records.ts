// Deterministic, realistic example records: the fixtures, the demo, the benchmark and tests all
// start from these. `n` varies ids, amounts and times so a batch is not one record repeated.
import { createHash } from 'node:crypto';
import type { Channel, DeadLetter, FraudLabel, Transaction, Verdict } from './record-types';

/** 2018-04-01T00:00:00Z, the simulator's first day (docs/simulator.md). */
export const SAMPLE_EPOCH_MS = Date.UTC(2018, 3, 1);

const CHANNELS: readonly Channel[] = ['POS', 'ECOMMERCE', 'POS', 'ATM', 'RECURRING', 'UNKNOWN'];
const CATEGORIES = ['5411', '5812', '5999', null, '4111', '5732'] as const;

/** Example Transaction number `n`. */
export function sampleTransaction(n = 0, overrides: Partial<Transaction> = {}): Transaction {
  return {
    transaction_id: `tx-${String(n).padStart(9, '0')}`,
    event_time: SAMPLE_EPOCH_MS + n * 8_641,
    customer_id: `c-${(n * 7919) % 5000}`,
    terminal_id: `t-${(n * 104_729) % 10_000}`,
    amount_minor: 500 + ((n * 7_907 + 13) % 22_000),
    currency: 'EUR',
    channel: CHANNELS[n % CHANNELS.length] ?? 'UNKNOWN',
    merchant_category: CATEGORIES[n % CATEGORIES.length] ?? null,
    merchant_country: n % 3 === 0 ? null : 'BE',
    ...overrides,
  };
}

/** Example Verdict for sampleTransaction(n). */
export function sampleVerdict(n = 0, overrides: Partial<Verdict> = {}): Verdict {
  const tx = sampleTransaction(n);
  const score = ((n * 37) % 1000) / 1000;
  const decision = score >= 0.8 ? 'DECLINE' : score >= 0.5 ? 'REVIEW' : 'APPROVE';
  return {
    transaction_id: tx.transaction_id,
    customer_id: tx.customer_id,
    score,
    decision,
    thresholds: { review: 0.5, decline: 0.8 },
    model_version: 'ffnn-2018-08-15-a1b2c3d',
    reason_codes: [
      { feature: 'terminal_risk_7d', value: 0.25, contribution: 0.31 },
      { feature: 'customer_avg_amount_1d', value: tx.amount_minor / 100, contribution: 0.12 },
      { feature: 'during_night', value: 1, contribution: 0.04 },
    ],
    degraded: false,
    degraded_reason: null,
    event_time: tx.event_time,
    received_at: tx.event_time + 12,
    scored_at: tx.event_time + 19,
    ...overrides,
  };
}

/** Example FraudLabel for sampleTransaction(n). */
export function sampleFraudLabel(n = 0, overrides: Partial<FraudLabel> = {}): FraudLabel {
  const tx = sampleTransaction(n);
  return {
    transaction_id: tx.transaction_id,
    customer_id: tx.customer_id,
    terminal_id: tx.terminal_id,
    is_fraud: n % 2 === 0,
    event_time: tx.event_time,
    labelled_at: tx.event_time + 7 * 86_400_000,
    source: 'CHARGEBACK',
    fraud_scenario: n % 2 === 0 ? 2 : null,
    ...overrides,
  };
}

/** Example DeadLetter: a record whose magic byte was wrong. */
export function sampleDeadLetter(n = 0, overrides: Partial<DeadLetter> = {}): DeadLetter {
  const failedAt = SAMPLE_EPOCH_MS + 86_400_000 + n;
  const key = Buffer.from(`c-${n % 5000}`);
  const value = Buffer.from('{"not":"avro"}');
  return {
    original_key: key,
    original_value: value,
    original_headers: [
      {
        key: 'traceparent',
        value: Buffer.from('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'),
      },
      { key: 'empty', value: null },
    ],
    source_topic: 'transactions',
    source_partition: n % 12,
    source_offset: 1_000_000 + n,
    source_timestamp: failedAt - 40,
    reason_code: 'FS_DECODE_MAGIC_BYTE',
    reason_message: 'first byte is 123, expected the Confluent magic byte 0',
    attempt_count: 1,
    first_failed_at: failedAt,
    last_failed_at: failedAt,
    // key + value + headers ('traceparent' and its 55 bytes, 'empty').
    original_size_bytes: key.length + value.length + 11 + 55 + 5,
    original_value_sha256: createHash('sha256').update(value).digest('hex'),
    original_key_sha256: createHash('sha256').update(key).digest('hex'),
    value_omitted: false,
    key_omitted: false,
    headers_omitted: 0,
    ...overrides,
  };
}
