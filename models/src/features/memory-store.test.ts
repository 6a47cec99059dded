import { FEATURE_NAMES, NO_FRAUD_AGE_DAYS } from './definitions';
import { MemoryFeatureStore } from './memory-store';
import type { FeatureInput } from './types';

const H = 3_600_000;
const DAY = 24 * H;
const T0 = Date.UTC(2018, 3, 2); // a Monday, 00:00
const col = (name: string): number => FEATURE_NAMES.indexOf(name);

let next = 0;
function tx(t: number, amount: number, customer = 'c1', terminal = 'k1'): FeatureInput {
  next += 1;
  return {
    transaction_id: `t${next}`,
    event_time: t,
    customer_id: customer,
    terminal_id: terminal,
    amount,
  };
}

describe('MemoryFeatureStore', () => {
  it('counts the customer windows with the transaction itself included', () => {
    const store = new MemoryFeatureStore();
    store.computeOne(tx(T0 + 10 * H, 10));
    store.computeOne(tx(T0 + 3 * DAY, 20));
    const v = store.computeOne(tx(T0 + 3 * DAY + 5 * H, 60));
    expect(v[col('customer_nb_tx_1d')]).toBe(2);
    expect(v[col('customer_avg_amount_1d')]).toBe(40);
    expect(v[col('customer_nb_tx_7d')]).toBe(3);
    expect(v[col('customer_avg_amount_7d')]).toBe(30);
    expect(v[col('amount')]).toBe(60);
    expect(v[col('during_night')]).toBe(1); // 05:00 UTC
    expect(v[col('during_weekend')]).toBe(0);
    expect(v[col('amount_log_ratio_30d')]).toBeCloseTo(Math.log(61 / 16), 12);
  });

  it('only lets a fraud label reach the terminal features after the feedback delay', () => {
    const store = new MemoryFeatureStore({ feedbackDelayDays: 7 });
    const fraud = tx(T0 + 2 * H, 50, 'c1', 'k9');
    store.computeOne(fraud);
    store.applyLabelsSync([{ ...fraud, is_fraud: true }]);
    const early = store.computeOne(tx(T0 + 6 * DAY, 10, 'c2', 'k9'));
    expect(early[col('terminal_nb_tx_30d')]).toBe(0);
    expect(early[col('terminal_fraud_age_days')]).toBe(NO_FRAUD_AGE_DAYS);
    const late = store.computeOne(tx(T0 + 7 * DAY + 4 * H, 10, 'c3', 'k9'));
    expect(late[col('terminal_nb_tx_1d')]).toBe(1);
    expect(late[col('terminal_risk_1d')]).toBe(1);
    expect(late[col('terminal_nb_fraud_30d')]).toBe(1);
    expect(late[col('terminal_risk_since_first_fraud')]).toBe(1);
    expect(late[col('terminal_fraud_age_days')]).toBeCloseTo(1 / 24, 12);
  });

  it('is idempotent per transaction id, for transactions and labels', () => {
    const store = new MemoryFeatureStore();
    const a = tx(T0, 10);
    const first = store.computeOne(a);
    expect(store.computeOne(a)).toBe(first);
    expect(store.computeOne(tx(T0 + H, 10))[col('customer_nb_tx_1d')]).toBe(2);
    const label = { ...a, is_fraud: true };
    expect(store.applyLabelsSync([label])).toEqual({
      applied: 1,
      duplicates: 0,
      genuine: 0,
      unknown: 0,
    });
    expect(
      store.applyLabelsSync([
        { ...label, event_time: undefined },
        { ...label, is_fraud: false, transaction_id: 'x' },
      ]),
    ).toEqual({
      applied: 0,
      duplicates: 1,
      genuine: 1,
      unknown: 0,
    });
    expect(
      store.applyLabelsSync([{ ...label, transaction_id: 'never-seen', event_time: undefined }])
        .unknown,
    ).toBe(1);
  });

  it('keeps memory bounded: idle customers, terminals and records are swept', () => {
    const store = new MemoryFeatureStore({ txRecordTtlMs: 2 * DAY });
    for (let c = 0; c < 50; c += 1) store.computeOne(tx(T0 + c * 60_000, 5, `c${c}`, `k${c}`));
    store.computeOne(tx(T0 + 60 * DAY, 5, 'late', 'kl'));
    store.computeOne(tx(T0 + 63 * DAY, 5, 'late', 'kl'));
    expect(store.size()).toEqual({ customers: 1, terminals: 1, txRecords: 1 });
  });
});
