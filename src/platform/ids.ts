const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The contract says a malformed id behaves like an unknown one, so callers test before querying. */
export const isUuid = (value: string): boolean => UUID.test(value);
