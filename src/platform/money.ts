/** Money is always integer minor units (cents) plus an ISO 4217 currency code. */
export interface Money {
  amount: number;
  currency: string;
}

export const CURRENCY_CODE = /^[A-Z]{3}$/;
export const CURRENCY_CODE_RULE = 'must be an ISO 4217 code such as EUR';

/** Digits after the decimal point of a currency's minor unit (EUR 2, JPY 0, KWD 3), from ICU's currency data. */
export function minorUnitDigits(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** Money for people to read, e.g. "€12.50" or "¥1,250". */
export function formatMoney(money: Money, locale = 'en'): string {
  const digits = minorUnitDigits(money.currency);
  return new Intl.NumberFormat(locale, { style: 'currency', currency: money.currency, minimumFractionDigits: digits }).format(
    money.amount / 10 ** digits,
  );
}
