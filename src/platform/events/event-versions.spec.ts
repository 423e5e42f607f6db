import { fromUnstamped, toCurrentVersion, type EventVersions } from './event-versions';

const versions: EventVersions = {
  current: 3,
  upgrade: { 1: fromUnstamped, 2: (payload) => ({ ...payload, total: { amount: payload.amount, currency: 'EUR' } }) },
};

describe('toCurrentVersion', () => {
  it('when a payload has no version, then it is version 1 and upgraded step by step, then stamped', () => {
    expect(toCurrentVersion('Paid', { amount: 5 }, versions)).toEqual({ amount: 5, total: { amount: 5, currency: 'EUR' }, event: 'Paid', version: 3 });
  });

  it('when a payload is current, then it passes unchanged', () => {
    const payload = { event: 'Paid', version: 3, total: { amount: 5, currency: 'EUR' } };
    expect(toCurrentVersion('Paid', payload, versions)).toEqual(payload);
  });

  it('when a payload is newer than this release, then it is refused', () => {
    expect(() => toCurrentVersion('Paid', { version: 4 }, versions)).toThrow(/newer than this release/);
  });

  it('when a version has no upgrade any more, then it is refused by name', () => {
    expect(() => toCurrentVersion('Paid', { version: 1 }, { current: 2, upgrade: {} })).toThrow(/Paid version 1 can no longer be handled/);
  });
});
