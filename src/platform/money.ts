/** Money is always integer minor units (cents) plus an ISO 4217 currency code. */
export interface Money {
  amount: number;
  currency: string;
}

export const CURRENCY_CODE = /^[A-Z]{3}$/;
