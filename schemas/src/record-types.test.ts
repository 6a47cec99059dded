import * as fs from 'node:fs';
import * as path from 'node:path';
import { RECORD_TYPES_FILE, renderRecordTypes } from './codegen/record-types-codegen';
import type { DeadLetter, FraudLabel, RecordTypes, Transaction, Verdict } from './record-types';
import { CHANNEL_SYMBOLS, DECISION_SYMBOLS, LABEL_SOURCE_SYMBOLS } from './record-types';
import {
  sampleDeadLetter,
  sampleFraudLabel,
  sampleTransaction,
  sampleVerdict,
} from './sample-records';
import { loadSchemaCatalog, RECORD_NAMES, type RecordName } from './schema-catalog';

// Typed sample objects: if a field is added to a schema and the types are regenerated, these
// literals stop compiling until they say what the new field holds.
const typed: { [R in RecordName]: RecordTypes[R] } = {
  Transaction: {
    transaction_id: 'tx-1',
    event_time: 1_700_000_000_000,
    customer_id: 'c-1',
    terminal_id: 't-1',
    amount_minor: 1999,
    currency: 'EUR',
    channel: 'ECOMMERCE',
    merchant_category: '5411',
    merchant_country: null,
  } satisfies Transaction,
  Verdict: {
    transaction_id: 'tx-1',
    customer_id: 'c-1',
    score: 0.91,
    decision: 'DECLINE',
    thresholds: { review: 0.5, decline: 0.8 },
    model_version: 'm1',
    reason_codes: [{ feature: 'terminal_risk_7d', value: 0.4, contribution: 0.2 }],
    degraded: true,
    degraded_reason: 'FS_FEATURE_STORE_TIMEOUT',
    event_time: 1,
    received_at: 2,
    scored_at: 3,
  } satisfies Verdict,
  FraudLabel: {
    transaction_id: 'tx-1',
    customer_id: 'c-1',
    terminal_id: 't-1',
    is_fraud: true,
    event_time: 1,
    labelled_at: 2,
    source: 'ANALYST_REVIEW',
    fraud_scenario: null,
  } satisfies FraudLabel,
  DeadLetter: {
    original_key: null,
    original_value: Buffer.from([1, 2]),
    original_headers: [],
    source_topic: 'transactions',
    source_partition: 0,
    source_offset: 0,
    source_timestamp: null,
    reason_code: 'FS_DECODE_BODY',
    reason_message: 'x',
    attempt_count: 1,
    first_failed_at: 1,
    last_failed_at: 1,
    original_size_bytes: 2,
    original_value_sha256: null,
    original_key_sha256: null,
    value_omitted: false,
    key_omitted: false,
    headers_omitted: 0,
  } satisfies DeadLetter,
};

describe('TypeScript record types', () => {
  const catalog = loadSchemaCatalog();

  it(`${RECORD_TYPES_FILE} is what codegen renders from the .avsc files (run npm run codegen if not)`, () => {
    const file = fs.readFileSync(path.join(__dirname, '..', RECORD_TYPES_FILE), 'utf8');
    expect(file).toBe(renderRecordTypes(catalog));
  });

  it.each(RECORD_NAMES)(
    '%s: typed objects and samples are valid for the newest schema, field for field',
    (record) => {
      const type = catalog.latest(record).type;
      const fields = (
        JSON.parse(catalog.latest(record).text) as { fields: { name: string }[] }
      ).fields.map((f) => f.name);
      const samples = {
        Transaction: sampleTransaction(3),
        Verdict: sampleVerdict(3),
        FraudLabel: sampleFraudLabel(3),
        DeadLetter: sampleDeadLetter(3),
      };
      for (const value of [typed[record], samples[record]]) {
        const errors: string[] = [];
        const valid = type.isValid(value, {
          noUndeclaredFields: true,
          errorHook: (p: string[]) => errors.push(p.join('.')),
        });
        expect(errors).toEqual([]);
        expect(valid).toBe(true);
        expect(Object.keys(value)).toEqual(fields);
      }
    },
  );

  it('enum constants list the schema symbols', () => {
    const symbols = (record: RecordName, field: string): unknown => {
      const schema = JSON.parse(catalog.latest(record).text) as {
        fields: { name: string; type: { symbols: string[] } }[];
      };
      return schema.fields.find((f) => f.name === field)?.type.symbols;
    };
    expect(CHANNEL_SYMBOLS).toEqual(symbols('Transaction', 'channel'));
    expect(DECISION_SYMBOLS).toEqual(symbols('Verdict', 'decision'));
    expect(LABEL_SOURCE_SYMBOLS).toEqual(symbols('FraudLabel', 'source'));
  });

  it('timestamp-millis decodes to a number of epoch milliseconds, not a Date', () => {
    const type = catalog.latest('Transaction').type;
    const decoded = type.fromBuffer(type.toBuffer(typed.Transaction)) as Transaction;
    expect(typeof decoded.event_time).toBe('number');
    expect(decoded.event_time).toBe(1_700_000_000_000);
  });
});
