// ISO 4217 currencies and their exponents (digits after the decimal point). Amounts travel as
// integers in minor units (`amount_minor`), so nothing on the wire is a binary float: 19.99 EUR
// is 1999, 500 JPY is 500, 1.234 KWD is 1234.

/** Exponent of each accepted currency (ISO 4217, amendment of 2024). */
export const CURRENCY_EXPONENTS: Readonly<Record<string, number>> = Object.freeze({
  AED: 2,
  ARS: 2,
  AUD: 2,
  BHD: 3,
  BRL: 2,
  CAD: 2,
  CHF: 2,
  CLP: 0,
  CNY: 2,
  COP: 2,
  CZK: 2,
  DKK: 2,
  EGP: 2,
  EUR: 2,
  GBP: 2,
  HKD: 2,
  HUF: 2,
  IDR: 2,
  ILS: 2,
  INR: 2,
  ISK: 0,
  JOD: 3,
  JPY: 0,
  KRW: 0,
  KWD: 3,
  MAD: 2,
  MXN: 2,
  MYR: 2,
  NGN: 2,
  NOK: 2,
  NZD: 2,
  OMR: 3,
  PHP: 2,
  PLN: 2,
  RON: 2,
  SAR: 2,
  SEK: 2,
  SGD: 2,
  THB: 2,
  TND: 3,
  TRY: 2,
  TWD: 2,
  UAH: 2,
  USD: 2,
  VND: 0,
  ZAR: 2,
});

/** True when `code` is a currency this package knows the exponent of. */
export function isKnownCurrency(code: string): boolean {
  return Object.prototype.hasOwnProperty.call(CURRENCY_EXPONENTS, code);
}

/**
 * Digits after the decimal point for `code` (EUR 2, JPY 0, KWD 3).
 * @throws RangeError for a currency not in CURRENCY_EXPONENTS
 */
export function currencyExponent(code: string): number {
  if (!isKnownCurrency(code)) {
    throw new RangeError(`unknown currency ${JSON.stringify(code)}: not in CURRENCY_EXPONENTS`);
  }
  return CURRENCY_EXPONENTS[code] as number;
}

/**
 * Major units to minor units, rounding half away from zero at the currency's precision:
 * `toMinorUnits(19.99, 'EUR')` is 1999 (not 1998.9999...), `toMinorUnits(500, 'JPY')` is 500.
 * @throws RangeError for a non-finite amount, an unknown currency, or a result past 2^53
 */
export function toMinorUnits(amountMajor: number, currency: string): number {
  if (!Number.isFinite(amountMajor))
    throw new RangeError(`amount must be finite, got ${amountMajor}`);
  const exponent = currencyExponent(currency);
  // Shift the decimal point in the decimal string, not by multiplying a binary float:
  // 1.005 * 100 is 100.49999999999999, while Number('1.005e2') is 100.5.
  const [mantissa, exp] = Math.abs(amountMajor).toExponential().split('e');
  const shifted = Number(`${mantissa ?? '0'}e${Number(exp) + exponent}`);
  const minor = Math.sign(amountMajor) * Math.round(shifted);
  if (!Number.isSafeInteger(minor))
    throw new RangeError(`amount ${amountMajor} ${currency} is too large`);
  return minor === 0 ? 0 : minor; // no -0
}

/** Minor units to major units: `fromMinorUnits(1999, 'EUR')` is 19.99. */
export function fromMinorUnits(amountMinor: number, currency: string): number {
  const exponent = currencyExponent(currency);
  return Number((amountMinor / 10 ** exponent).toFixed(exponent));
}
