import { describe, expect, it } from '@jest/globals';
import { checkBalanceChain } from './balances.js';

describe('balance chain', () => {
  const A = 'FR7630004001230001234567843';
  const line = (bookedOn: string, amount: string, account = A) => ({ account, bookedOn, amount });

  it('follows each account from one stated closing balance to the next', () => {
    const chain = checkBalanceChain(
      [
        { account: A, on: '2026-11-10', amount: '150.00' },
        { account: A, on: '2026-11-06', amount: '100.00' },
        { account: 'B', on: '2026-11-10', amount: '7.00' },
      ],
      [
        line('2026-11-06', '99.00'),
        line('2026-11-07', '20.00'),
        line('2026-11-10', '20.00'),
        line('2026-11-08', '1.00', 'B'),
      ],
    );
    expect(chain.map((c) => [c.account, c.on, c.movements, c.gap])).toEqual([
      ['B', '2026-11-10', null, null],
      [A, '2026-11-06', null, null],
      [A, '2026-11-10', '40.00', '10.00'], // 10.00 of movements were never imported
    ]);
  });
});
