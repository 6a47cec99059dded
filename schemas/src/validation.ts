// Domain rules a Transaction must meet after it decoded: Avro guarantees the shape, not that the
// ids are non-empty or the amount plausible. A failure is bad input, never retried: the record
// goes to the dead-letter topic with the error's code as its reason.
import { CURRENCY_EXPONENTS } from './currency';
import { SchemaConfigError, TransactionValidationError } from './errors';
import type { Transaction } from './record-types';

/** Options of the transaction validator. */
export interface TransactionValidationOptions {
  /**
   * Largest accepted amount, in major units of the transaction's own currency (so 1,000,000 is
   * a million euros or a million yen).
   * @defaultValue 1000000
   */
  readonly maxAmountMajor?: number;
  /**
   * How far past the validator's clock an event time may be (producer clock skew).
   * @defaultValue 300000 (5 minutes)
   */
  readonly maxFutureSkewMs?: number;
  /**
   * Longest accepted id, in UTF-16 code units.
   * @defaultValue 128
   */
  readonly maxIdLength?: number;
  /**
   * Accepted currencies and their exponents.
   * @defaultValue CURRENCY_EXPONENTS
   */
  readonly currencies?: Readonly<Record<string, number>>;
  /**
   * Clock, in epoch milliseconds; injected so tests and replays control "now".
   * @defaultValue Date.now
   */
  readonly nowMs?: () => number;
}

/** Defaults of {@link TransactionValidationOptions}. */
export const DEFAULT_TRANSACTION_VALIDATION_OPTIONS = {
  maxAmountMajor: 1_000_000,
  maxFutureSkewMs: 5 * 60_000,
  maxIdLength: 128,
  currencies: CURRENCY_EXPONENTS,
  nowMs: Date.now,
} as const;

/** Outcome of validating one transaction; the hot path branches on `ok` instead of catching. */
export type ValidationResult =
  | { readonly ok: true; readonly value: Transaction }
  | { readonly ok: false; readonly error: TransactionValidationError };

/** A validator with its options checked once. */
export type TransactionValidator = (tx: Transaction) => ValidationResult;

const ID_FIELDS = ['transaction_id', 'customer_id', 'terminal_id'] as const;

/**
 * Build a validator; options are checked here, once.
 * @throws SchemaConfigError FS_CONFIG_INVALID naming the bad setting
 */
export function createTransactionValidator(
  options: TransactionValidationOptions = {},
): TransactionValidator {
  const o = { ...DEFAULT_TRANSACTION_VALIDATION_OPTIONS, ...options };
  const bad = (setting: string, expected: string, got: unknown): never => {
    throw new SchemaConfigError(
      'FS_CONFIG_INVALID',
      `TransactionValidationOptions.${setting} must be ${expected}, got ${String(got)}`,
    );
  };
  if (!(Number.isFinite(o.maxAmountMajor) && o.maxAmountMajor > 0))
    bad('maxAmountMajor', 'a positive number', o.maxAmountMajor);
  if (!(Number.isFinite(o.maxFutureSkewMs) && o.maxFutureSkewMs >= 0)) {
    bad('maxFutureSkewMs', 'a non-negative number of milliseconds', o.maxFutureSkewMs);
  }
  if (!(Number.isInteger(o.maxIdLength) && o.maxIdLength > 0))
    bad('maxIdLength', 'a positive integer', o.maxIdLength);
  if (typeof o.nowMs !== 'function')
    bad('nowMs', 'a function returning epoch milliseconds', o.nowMs);
  const currencies = new Map<string, number>();
  for (const [code, exponent] of Object.entries(o.currencies)) {
    if (!/^[A-Z]{3}$/.test(code) || !Number.isInteger(exponent) || exponent < 0 || exponent > 4) {
      bad(`currencies.${code}`, 'a 3-letter code with an exponent in 0..4', exponent);
    }
    // The ceiling in minor units, per currency, computed once.
    currencies.set(code, Math.round(o.maxAmountMajor * 10 ** exponent));
  }
  const { maxFutureSkewMs, maxIdLength, nowMs } = o;

  return (tx) => {
    for (const field of ID_FIELDS) {
      const id: unknown = tx[field];
      if (typeof id !== 'string' || id.trim().length === 0) {
        return fail('FS_INVALID_ID', field, `${field} is empty`);
      }
      if (id.length > maxIdLength) {
        return fail(
          'FS_INVALID_ID',
          field,
          `${field} is ${id.length} characters long, more than maxIdLength ${maxIdLength}`,
        );
      }
    }
    const ceiling = typeof tx.currency === 'string' ? currencies.get(tx.currency) : undefined;
    if (ceiling === undefined) {
      return fail(
        'FS_INVALID_CURRENCY',
        'currency',
        `currency ${JSON.stringify(tx.currency)} is not an accepted ISO 4217 code`,
      );
    }
    const amount: unknown = tx.amount_minor;
    if (typeof amount !== 'number' || !Number.isSafeInteger(amount)) {
      return fail(
        'FS_INVALID_AMOUNT',
        'amount_minor',
        `amount_minor ${String(amount)} is not a finite integer of minor units`,
      );
    }
    if (amount < 0)
      return fail('FS_INVALID_AMOUNT', 'amount_minor', `amount_minor ${amount} is negative`);
    if (amount > ceiling) {
      return fail(
        'FS_INVALID_AMOUNT',
        'amount_minor',
        `amount_minor ${amount} ${tx.currency} is above the ceiling of ${ceiling} (maxAmountMajor ${o.maxAmountMajor})`,
      );
    }
    const eventTime: unknown = tx.event_time;
    if (typeof eventTime !== 'number' || !Number.isSafeInteger(eventTime) || eventTime <= 0) {
      return fail(
        'FS_INVALID_EVENT_TIME',
        'event_time',
        `event_time ${String(eventTime)} is not a positive epoch millisecond`,
      );
    }
    const latest = nowMs() + maxFutureSkewMs;
    if (eventTime > latest) {
      return fail(
        'FS_INVALID_EVENT_TIME',
        'event_time',
        `event_time ${new Date(eventTime).toISOString()} is ${eventTime - latest + maxFutureSkewMs} ms in the future (maxFutureSkewMs ${maxFutureSkewMs})`,
      );
    }
    return { ok: true, value: tx };
  };
}

const defaultValidators = new WeakMap<TransactionValidationOptions, TransactionValidator>();
let plainValidator: TransactionValidator | undefined;

/** Check a decoded transaction against the domain rules; never throws for a bad transaction. */
export function validateTransaction(
  tx: Transaction,
  options?: TransactionValidationOptions,
): ValidationResult {
  let validator: TransactionValidator | undefined;
  if (options === undefined) {
    validator = plainValidator ??= createTransactionValidator();
  } else {
    validator = defaultValidators.get(options);
    if (!validator) {
      validator = createTransactionValidator(options);
      defaultValidators.set(options, validator);
    }
  }
  return validator(tx);
}

/**
 * Like validateTransaction, for callers that prefer exceptions.
 * @throws TransactionValidationError with the reason code and the offending field
 */
export function assertValidTransaction(
  tx: Transaction,
  options?: TransactionValidationOptions,
): Transaction {
  const result = validateTransaction(tx, options);
  if (!result.ok) throw result.error;
  return result.value;
}

function fail(
  code: TransactionValidationError['code'],
  field: string,
  message: string,
): { ok: false; error: TransactionValidationError } {
  return { ok: false, error: new TransactionValidationError(code, field, message) };
}
