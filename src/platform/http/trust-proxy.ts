import proxyAddr from 'proxy-addr';

/**
 * TRUST_PROXY as Express reads it: a number of proxy hops, or a comma-separated list of
 * addresses, subnets and the names loopback, linklocal and uniquelocal. Empty trusts no proxy.
 */
export function trustProxySetting(value: string): number | string[] {
  return /^\d+$/.test(value.trim()) ? Number(value.trim()) : value.split(',').map((t) => t.trim()).filter(Boolean);
}

/** The same trust as a predicate, for the WebSocket upgrade request (outside Express). */
export function compileTrustProxy(value: string): (address: string, hop: number) => boolean {
  const setting = trustProxySetting(value);
  return typeof setting === 'number' ? (_address, hop) => hop < setting : proxyAddr.compile(setting);
}
