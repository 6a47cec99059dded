import { SchemaConfigError, TransactionValidationError } from './errors';
import type { Transaction } from './record-types';
import { sampleTransaction } from './sample-records';
import {
  assertValidTransaction,
  createTransactionValidator,
  type TransactionValidationOptions,
  validateTransaction,
} from './validation';

const NOW = Date.UTC(2024, 0, 15, 12);
const base = sampleTransaction(1, { event_time: NOW - 1000 });
const options: TransactionValidationOptions = { nowMs: () => NOW };

// One helper, many rows (style.md: table-driven validation cases).
const valid: [string, Partial<Transaction>][] = [
  ['the sample', {}],
  ['a zero amount (card verification)', { amount_minor: 0 }],
  ['exactly the ceiling in EUR', { amount_minor: 100_000_000 }],
  ['exactly the ceiling in JPY (exponent 0)', { currency: 'JPY', amount_minor: 1_000_000 }],
  ['exactly the ceiling in KWD (exponent 3)', { currency: 'KWD', amount_minor: 1_000_000_000 }],
  ['an event time at the skew limit', { event_time: NOW + 5 * 60_000 }],
  ['an event time years ago (replays)', { event_time: Date.UTC(2018, 3, 1) }],
  ['ids of 128 characters', { transaction_id: 'x'.repeat(128) }],
];

const invalid: [string, Partial<Transaction>, string, string][] = [
  ['an empty transaction id', { transaction_id: '' }, 'FS_INVALID_ID', 'transaction_id'],
  ['a blank customer id', { customer_id: '   ' }, 'FS_INVALID_ID', 'customer_id'],
  ['an empty terminal id', { terminal_id: '' }, 'FS_INVALID_ID', 'terminal_id'],
  ['an id over maxIdLength', { terminal_id: 't'.repeat(129) }, 'FS_INVALID_ID', 'terminal_id'],
  ['a negative amount', { amount_minor: -1 }, 'FS_INVALID_AMOUNT', 'amount_minor'],
  ['a fractional amount', { amount_minor: 10.5 }, 'FS_INVALID_AMOUNT', 'amount_minor'],
  ['NaN', { amount_minor: Number.NaN }, 'FS_INVALID_AMOUNT', 'amount_minor'],
  ['Infinity', { amount_minor: Number.POSITIVE_INFINITY }, 'FS_INVALID_AMOUNT', 'amount_minor'],
  ['one cent over the ceiling', { amount_minor: 100_000_001 }, 'FS_INVALID_AMOUNT', 'amount_minor'],
  [
    'over the JPY ceiling',
    { currency: 'JPY', amount_minor: 1_000_001 },
    'FS_INVALID_AMOUNT',
    'amount_minor',
  ],
  ['an unknown currency', { currency: 'XXX' }, 'FS_INVALID_CURRENCY', 'currency'],
  ['a lower-case currency', { currency: 'eur' }, 'FS_INVALID_CURRENCY', 'currency'],
  ['an empty currency', { currency: '' }, 'FS_INVALID_CURRENCY', 'currency'],
  [
    'an event time past the skew',
    { event_time: NOW + 5 * 60_000 + 1 },
    'FS_INVALID_EVENT_TIME',
    'event_time',
  ],
  [
    'an event time a year ahead',
    { event_time: NOW + 365 * 86_400_000 },
    'FS_INVALID_EVENT_TIME',
    'event_time',
  ],
  ['a zero event time', { event_time: 0 }, 'FS_INVALID_EVENT_TIME', 'event_time'],
  ['a negative event time', { event_time: -5 }, 'FS_INVALID_EVENT_TIME', 'event_time'],
];

describe('validateTransaction', () => {
  it.each(valid)('accepts %s', (_name, change) => {
    const tx = { ...base, ...change };
    expect(validateTransaction(tx, options)).toEqual({ ok: true, value: tx });
    expect(assertValidTransaction(tx, options)).toBe(tx);
  });

  it.each(invalid)('rejects %s with %s on %s', (_name, change, code, field) => {
    const tx = { ...base, ...change };
    const result = validateTransaction(tx, options);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toBeInstanceOf(TransactionValidationError);
    expect(result.error).toMatchObject({ code, field, retriable: false });
    expect(result.error.message).toContain(field);
    expect(() => assertValidTransaction(tx, options)).toThrow(TransactionValidationError);
  });

  it('applies a configured ceiling and currency list', () => {
    const strict = createTransactionValidator({
      maxAmountMajor: 100,
      currencies: { USD: 2 },
      nowMs: () => NOW,
    });
    expect(strict({ ...base, currency: 'USD', amount_minor: 10_000 }).ok).toBe(true);
    expect(strict({ ...base, currency: 'USD', amount_minor: 10_001 })).toMatchObject({
      ok: false,
      error: { code: 'FS_INVALID_AMOUNT' },
    });
    expect(strict({ ...base, currency: 'EUR' })).toMatchObject({
      ok: false,
      error: { code: 'FS_INVALID_CURRENCY' },
    });
  });

  it.each([
    ['maxAmountMajor', { maxAmountMajor: 0 }],
    ['maxAmountMajor', { maxAmountMajor: Number.NaN }],
    ['maxFutureSkewMs', { maxFutureSkewMs: -1 }],
    ['maxIdLength', { maxIdLength: 1.5 }],
    ['currencies.EURO', { currencies: { EURO: 2 } }],
    ['currencies.EUR', { currencies: { EUR: 9 } }],
  ])('refuses a bad %s setting, naming it', (setting, bad) => {
    expect(() => createTransactionValidator(bad as TransactionValidationOptions)).toThrow(
      SchemaConfigError,
    );
    expect(() => createTransactionValidator(bad as TransactionValidationOptions)).toThrow(
      `TransactionValidationOptions.${setting}`,
    );
  });
});
