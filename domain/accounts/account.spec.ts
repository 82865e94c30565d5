import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { addDays } from '../shared/day.js';
import { deciderSpec } from '../shared/decider.testkit.js';
import {
  decideAdoptLegacy,
  decideAfterPayment,
  decideConvertByAdmin,
  decideDaily,
  decideOpenAccount,
  evolveAccount,
  initialAccountState,
  foldAccount,
  statusOf,
  type AccountState,
  type LifecycleRules,
  type OpenInvoice,
} from './account.js';
import { decideDunning, evolveDunning, initialDunningState } from './dunning.js';
import type { AccountEvent, SuspensionReason } from './events.js';

const rules: LifecycleRules = {
  suspensionDays: 60,
  reminderDays: [7, 30],
  catchUpDays: 7,
  closureNoticeDays: 30,
  closureDays: 30,
  trialExpiry: 'suspend',
};

const opened = (trialEndsOn: string | null = null): AccountEvent => ({
  type: 'AccountOpened',
  data: { accountId: '7', customerId: '3', name: 'site', openedOn: '2025-01-01', trialEndsOn },
});

const invoice = (dueOn: string, total = '120.00', left = total): OpenInvoice => ({
  invoiceId: `i-${dueOn}-${total}`,
  number: 'F2025-000001',
  issuedOn: addDays(dueOn, -30),
  dueOn,
  total,
  left,
});

/** Runs the daily decision day after day, recording its events; returns the state and them. */
function runDays(
  state: AccountState,
  invoices: OpenInvoice[],
  from: string,
  to: string,
  r = rules,
) {
  const all: (AccountEvent & { day: string })[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) {
    for (const e of decideDaily(state, { on: day }, { invoices, rules: r })) {
      state = evolveAccount(state, e);
      all.push({ ...e, day });
    }
  }
  return { state, events: all };
}

describe('account lifecycle decisions', () => {
  it('sends a closure notice on its day or within the catch-up window, never years late', () => {
    const suspendedOn = (on: string) =>
      foldAccount('7', [
        opened(),
        {
          type: 'AccountSuspended',
          data: { accountId: '7', reason: 'unpaid', note: 'impayé > 60 jours', on },
        },
      ]);
    const notices = (state: AccountState, on: string) =>
      decideDaily(state, { on }, { invoices: [], rules }).filter(
        (e) => e.type === 'AccountClosureNoticeSent',
      );
    // 30 days of suspension: the notice, also when the job was off for up to 7 days.
    expect(notices(suspendedOn('2026-10-01'), '2026-10-31')).toHaveLength(1);
    expect(notices(suspendedOn('2026-10-01'), '2026-11-06')).toHaveLength(1);
    // A Gloux suspension from 2009, taken in now: left for a person, not closed in bulk.
    expect(notices(suspendedOn('2009-06-01'), '2026-11-25')).toEqual([]);
    expect(notices(suspendedOn('2026-10-01'), '2026-11-07')).toEqual([]);
  });

  it('suspends for an unpaid invoice the day after the delay, then gives notice, then closes', () => {
    const start = foldAccount('7', [opened()]);
    const { state, events } = runDays(start, [invoice('2025-02-01')], '2025-02-01', '2025-06-30');
    expect(events.map((e) => [e.type, e.day])).toEqual([
      ['AccountSuspended', '2025-04-03'],
      ['AccountClosureNoticeSent', '2025-05-03'],
      ['AccountClosed', '2025-06-02'],
    ]);
    expect(events[0]!.data).toMatchObject({ reason: 'unpaid', note: 'impayé > 60 jours' });
    expect(statusOf(state)).toBe('closed');
  });

  it('never acts for a 0.00 invoice nor one covered by credit notes', () => {
    const start = foldAccount('7', [opened()]);
    const invoices = [invoice('2025-02-01', '0.00'), invoice('2025-02-03', '50.00', '0.00')];
    expect(runDays(start, invoices, '2025-01-01', '2025-12-31').events).toEqual([]);
    const dunning = initialDunningState('3');
    for (let day = '2025-01-01'; day <= '2025-12-31'; day = addDays(day, 1))
      expect(decideDunning(dunning, { on: day }, { invoices, rules })).toEqual([]);
  });

  it('a payment lifts only the unpaid reason, and only when nothing is overdue any more', () => {
    let s = foldAccount('7', [opened()]);
    for (const reason of ['unpaid', 'admin'] as SuspensionReason[])
      s = evolveAccount(s, {
        type: 'AccountSuspended',
        data: { accountId: '7', reason, note: reason, on: '2025-04-03' },
      });
    const still = [invoice('2025-01-15', '10.00')];
    expect(
      decideAfterPayment(
        s,
        { paidInvoice: { invoiceId: 'x', issuedOn: '2025-04-01' }, on: '2025-04-10' },
        { invoices: still, rules },
      ),
    ).toEqual([]);
    const events = decideAfterPayment(
      s,
      { paidInvoice: { invoiceId: 'x', issuedOn: '2025-04-01' }, on: '2025-04-10' },
      { invoices: [], rules },
    );
    expect(events).toEqual([
      {
        type: 'AccountReactivated',
        data: { accountId: '7', liftedReason: 'unpaid', on: '2025-04-10' },
      },
    ]);
    expect(statusOf(events.reduce(evolveAccount, s))).toBe('suspended');
  });

  it('a trial ends in a trial_expired suspension, lifted by the first paid invoice (conversion)', () => {
    const start = foldAccount('7', [opened('2025-02-01')]);
    const { state, events } = runDays(start, [], '2025-01-15', '2025-02-10');
    expect(events.map((e) => [e.type, e.day])).toEqual([['AccountSuspended', '2025-02-02']]);
    const after = decideAfterPayment(
      state,
      { paidInvoice: { invoiceId: 'i1', issuedOn: '2025-02-01' }, on: '2025-02-05' },
      { invoices: [], rules },
    );
    expect(after.map((e) => e.type)).toEqual(['AccountConverted', 'AccountReactivated']);
    const converted = after.reduce(evolveAccount, state);
    expect(statusOf(converted)).toBe('active');
    expect(runDays(converted, [], '2025-02-05', '2025-03-30').events).toEqual([]);
    expect(() => decideConvertByAdmin(converted, { on: '2025-02-06' })).toThrow(
      'pas en période d’essai',
    );
  });

  it('closes at the end of the trial when configured so', () => {
    const start = foldAccount('7', [opened('2025-02-01')]);
    const { events } = runDays(start, [], '2025-01-15', '2025-02-10', {
      ...rules,
      trialExpiry: 'close',
    });
    expect(events.map((e) => [e.type, e.day])).toEqual([['AccountClosed', '2025-02-02']]);
  });

  it('reminders go out on their day after the due date, each once', () => {
    let state = initialDunningState('3');
    const sent: string[] = [];
    const inv = invoice('2025-03-01');
    for (let day = '2025-01-25'; day <= '2025-06-01'; day = addDays(day, 1)) {
      for (const e of decideDunning(state, { on: day }, { invoices: [inv], rules })) {
        state = evolveDunning(state, e);
        sent.push(`${e.type}@${day}`);
      }
    }
    expect(sent).toEqual([
      'InvoiceNoticeSent@2025-01-30',
      'PaymentReminderSent@2025-03-08',
      'PaymentReminderSent@2025-03-31',
    ]);
  });

  it('takes in an account known only to Gloux, and a G3 suspension once the mirror is up to date', () => {
    const row = {
      accountId: '7',
      customerId: '3',
      name: 'site',
      createdOn: '2020-01-01',
      etat: 'suspendu' as const,
      motif: 'impayé > 60 jours',
      stateOn: '2025-03-04',
    };
    const adopted = decideAdoptLegacy(foldAccount('7', []), row, {
      mirrored: true,
      today: '2025-04-01',
    });
    expect(adopted.map((e) => e.type)).toEqual(['AccountOpened', 'AccountSuspended']);
    const known = foldAccount('7', [opened()]);
    expect(decideAdoptLegacy(known, row, { mirrored: false, today: '2025-04-01' })).toEqual([]);
    expect(decideAdoptLegacy(known, row, { mirrored: true, today: '2025-04-01' })).toEqual([
      {
        type: 'AccountSuspended',
        data: { accountId: '7', reason: 'unpaid', note: 'impayé > 60 jours', on: '2025-03-04' },
      },
    ]);
  });
});

const day = fc.integer({ min: 0, max: 400 }).map((n) => addDays('2025-01-01', n));
const reasons = fc.subarray(['unpaid', 'admin', 'abuse', 'trial_expired'] as SuspensionReason[]);
const amount = fc.integer({ min: 0, max: 50_000 }).map((c) => (c / 100).toFixed(2));
const invoiceArb = fc
  .tuple(day, amount, fc.integer({ min: 0, max: 100 }))
  .map(([dueOn, total, pct]) => {
    const totalCents = Math.round(Number(total) * 100);
    const left = (Math.round((totalCents * pct) / 100) / 100).toFixed(2);
    return invoice(dueOn, total, left);
  });
const stateArb = fc
  .tuple(reasons, fc.option(day, { nil: null }), fc.boolean())
  .map(([rs, trialEndsOn, converted]) => {
    let s = foldAccount('7', [opened(trialEndsOn)]);
    if (converted)
      s = evolveAccount(s, {
        type: 'AccountConverted',
        data: { accountId: '7', on: '2025-01-02', by: 'admin', invoiceId: null },
      });
    for (const reason of rs)
      s = evolveAccount(s, {
        type: 'AccountSuspended',
        data: { accountId: '7', reason, note: reason, on: '2025-01-05' },
      });
    return s;
  });

describe('decideOpenAccount', () => {
  const open = deciderSpec({
    initial: initialAccountState('4'),
    evolve: evolveAccount,
    decide: decideOpenAccount,
  });
  const trial = {
    customerId: '4',
    name: 'jdupont',
    openedOn: '2026-11-18',
    trialEndsOn: '2026-12-18',
  };

  it('opens an account the log does not hold, once', () => {
    const [opened] = open.given().when(trial, {}).events();
    expect(opened).toEqual({ type: 'AccountOpened', data: { accountId: '4', ...trial } });
    open.given(opened!).when(trial, {}).thenThrows('conflict', 'accountId');
  });
});

describe('account lifecycle properties', () => {
  it('a payment never lifts admin or abuse, and lifts trial_expired only with a conversion', () => {
    fc.assert(
      fc.property(
        stateArb,
        fc.array(invoiceArb, { maxLength: 4 }),
        fc.option(
          day.map((issuedOn) => ({ invoiceId: 'i1', issuedOn })),
          { nil: null },
        ),
        day,
        (s, invoices, paid, on) => {
          const events = decideAfterPayment(s, { paidInvoice: paid, on }, { invoices, rules });
          for (const e of events) {
            if (e.type !== 'AccountReactivated') continue;
            expect(['unpaid', 'trial_expired']).toContain(e.data.liftedReason);
            if (e.data.liftedReason === 'trial_expired')
              expect(events.some((x) => x.type === 'AccountConverted')).toBe(true);
          }
          const after = events.reduce(evolveAccount, s);
          for (const r of ['admin', 'abuse'] as SuspensionReason[])
            expect(after.suspensions.some((x) => x.reason === r)).toBe(
              s.suspensions.some((x) => x.reason === r),
            );
        },
      ),
    );
  });

  it('no action ever for invoices with nothing to pay (0.00, paid, covered by credit notes)', () => {
    const nothingDue = invoiceArb.map((i) => ({
      ...i,
      left: Number(i.total) === 0 ? i.left : '0.00',
    }));
    fc.assert(
      fc.property(fc.array(nothingDue, { maxLength: 5 }), day, (invoices, on) => {
        const s = foldAccount('7', [opened()]);
        expect(decideDaily(s, { on }, { invoices, rules })).toEqual([]);
        expect(decideDunning(initialDunningState('3'), { on }, { invoices, rules })).toEqual([]);
      }),
    );
  });

  it('the daily decision is idempotent: deciding again on the state it produced decides nothing', () => {
    fc.assert(
      fc.property(stateArb, fc.array(invoiceArb, { maxLength: 4 }), day, (s, invoices, on) => {
        const first = decideDaily(s, { on }, { invoices, rules });
        const after = first.reduce(evolveAccount, s);
        expect(decideDaily(after, { on }, { invoices, rules })).toEqual([]);
      }),
    );
  });
});
