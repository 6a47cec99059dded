import { currencyExponent, fromMinorUnits, isKnownCurrency, toMinorUnits } from './currency';

describe('minor units', () => {
  it.each([
    [19.99, 'EUR', 1999],
    [1.005, 'EUR', 101],
    [0.1 + 0.2, 'USD', 30],
    [220.01, 'GBP', 22001],
    [500, 'JPY', 500],
    [499.5, 'JPY', 500],
    [1.234, 'KWD', 1234],
    [0, 'EUR', 0],
    [-12.345, 'EUR', -1235],
    [1e-7, 'EUR', 0],
    [12345678.91, 'USD', 1234567891],
  ])('%p %s is %p minor units', (major, currency, minor) => {
    expect(toMinorUnits(major, currency)).toBe(minor);
  });

  it.each([
    [1999, 'EUR', 19.99],
    [500, 'JPY', 500],
    [1234, 'BHD', 1.234],
    [7, 'USD', 0.07],
  ])('%p minor units of %s are %p', (minor, currency, major) => {
    expect(fromMinorUnits(minor, currency)).toBe(major);
  });

  it('round-trips every cent amount up to 1,000.00', () => {
    const mismatches: number[] = [];
    for (let cents = 0; cents <= 100_000; cents++) {
      if (toMinorUnits(fromMinorUnits(cents, 'EUR'), 'EUR') !== cents) mismatches.push(cents);
    }
    expect(mismatches).toEqual([]);
  });

  it('knows exponents and refuses unknown currencies', () => {
    expect(currencyExponent('JPY')).toBe(0);
    expect(currencyExponent('EUR')).toBe(2);
    expect(currencyExponent('OMR')).toBe(3);
    expect(isKnownCurrency('XYZ')).toBe(false);
    expect(isKnownCurrency('toString')).toBe(false);
    expect(() => toMinorUnits(1, 'XYZ')).toThrow(RangeError);
    expect(() => toMinorUnits(Number.NaN, 'EUR')).toThrow(RangeError);
    expect(() => toMinorUnits(1e300, 'EUR')).toThrow(RangeError);
  });
});
