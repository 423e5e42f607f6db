import { formatMoney, minorUnitDigits } from './money';

describe('money for people', () => {
  it('takes the minor unit from the currency', () => {
    expect(minorUnitDigits('EUR')).toBe(2);
    expect(minorUnitDigits('JPY')).toBe(0);
    expect(minorUnitDigits('KWD')).toBe(3);
  });

  it('formats minor units by currency, not as hundredths of everything', () => {
    expect(formatMoney({ amount: 1250, currency: 'EUR' })).toBe('€12.50');
    expect(formatMoney({ amount: 1250, currency: 'JPY' })).toBe('¥1,250');
    expect(formatMoney({ amount: 1250, currency: 'KWD' })).toMatch(/^KWD\s1\.250$/);
  });
});
