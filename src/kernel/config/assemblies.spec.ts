import { defaultAssemblyRules } from '../../../domain/assemblies/rules.js';
import { loadAssemblyRules } from './assemblies.js';

describe('general assembly settings (statutes)', () => {
  it('defaults to docs/accounting.md §6 and a cap of 2 proxies', () => {
    expect(loadAssemblyRules({})).toEqual(defaultAssemblyRules);
    expect(defaultAssemblyRules.quorum).toEqual({
      ordinary: [{ num: 1, den: 5 }, null],
      extraordinary: [
        { num: 1, den: 4 },
        { num: 1, den: 5 },
      ],
    });
  });

  it('reads each setting from the environment', () => {
    expect(
      loadAssemblyRules({
        AG_PROXY_CAP: '5',
        AG_QUORUM_ORDINARY_FIRST: '1/4',
        AG_QUORUM_ORDINARY_SECOND: '1/10',
        AG_QUORUM_EXTRAORDINARY_FIRST: '1/3',
        AG_QUORUM_EXTRAORDINARY_SECOND: '0',
        AG_MAJORITY_EXTRAORDINARY: '3/4',
        AG_NOTICE_DAYS_ORDINARY: '21',
        AG_NOTICE_DAYS_SECOND_CALL: '6',
        AG_POSTAL_DAYS_BEFORE: '2',
      }),
    ).toEqual({
      proxyCap: 5,
      quorum: {
        ordinary: [
          { num: 1, den: 4 },
          { num: 1, den: 10 },
        ],
        extraordinary: [{ num: 1, den: 3 }, null],
      },
      extraordinaryMajority: { num: 3, den: 4 },
      // The notice periods not given keep their defaults (15 days for an extraordinary one).
      noticeDays: { ordinary: 21, extraordinary: 15, secondCall: 6 },
      postalDaysBefore: 2,
    });
  });

  it.each([
    [{ AG_PROXY_CAP: '-1' }, /AG_PROXY_CAP/],
    [{ AG_PROXY_CAP: 'deux' }, /AG_PROXY_CAP/],
    [{ AG_QUORUM_ORDINARY_FIRST: '20%' }, /AG_QUORUM_ORDINARY_FIRST must be a fraction/],
    [{ AG_MAJORITY_EXTRAORDINARY: '1/3' }, /at least 1\/2/],
    [{ AG_MAJORITY_EXTRAORDINARY: '0' }, /at least 1\/2/],
    [{ AG_NOTICE_DAYS_ORDINARY: 'quinze' }, /AG_NOTICE_DAYS_ORDINARY/],
  ])('refuses %j at start-up', (env, message) => {
    expect(() => loadAssemblyRules(env)).toThrow(message);
  });
});
