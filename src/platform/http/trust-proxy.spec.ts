import { compileTrustProxy, trustProxySetting } from './trust-proxy';

describe('TRUST_PROXY', () => {
  it('reads a whole number as a hop count', () => {
    expect(trustProxySetting(' 2 ')).toBe(2);
    const trust = compileTrustProxy('1');
    expect([trust('203.0.113.7', 0), trust('203.0.113.7', 1)]).toEqual([true, false]);
  });

  it('reads anything else as a list of addresses, subnets and names', () => {
    expect(trustProxySetting('loopback, 10.0.0.0/8')).toEqual(['loopback', '10.0.0.0/8']);
    const trust = compileTrustProxy('loopback, 10.0.0.0/8');
    expect([trust('127.0.0.1', 0), trust('10.1.2.3', 0), trust('203.0.113.7', 0)]).toEqual([true, true, false]);
  });
});

describe('TRUST_PROXY unset', () => {
  it('trusts no proxy, not even loopback or a private network', () => {
    expect(trustProxySetting('')).toEqual([]);
    const trust = compileTrustProxy('');
    expect([trust('127.0.0.1', 0), trust('10.1.2.3', 0), trust('192.168.1.1', 0)]).toEqual([false, false, false]);
  });
});
