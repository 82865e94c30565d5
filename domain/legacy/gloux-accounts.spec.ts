import { foldAccount, initialAccountState } from '../accounts/account.js';
import { accountFromGloux, glouxStateOf } from './gloux-accounts.js';

const row = {
  accountId: '2',
  customerId: '2',
  name: 'lesamis',
  etat: 'suspendu' as const,
  motif: 'impayé > 60 jours',
  createdOn: '2007-09-12',
  stateOn: '2009-01-13',
};

describe('a Gloux hosting account as account events', () => {
  it('dates a state with a zero date_etat the day it is seen, and says so (issue 16 item 6)', () => {
    const closed = { ...row, etat: 'ferme' as const, motif: '', stateOn: null };
    const r = accountFromGloux(initialAccountState('2'), closed, '2026-11-25');
    expect(r.events[1]).toMatchObject({ type: 'AccountClosed', data: { on: '2026-11-25' } });
    expect(r.issue).toMatchObject({ code: 'zero_state_date' });
    expect(r.issue?.message).toContain('2026-11-25');
  });

  it('opens an account Gloux suspended (G3) with the reason kept apart', () => {
    const r = accountFromGloux(initialAccountState('2'), row, '2026-11-25');
    expect(r.events.map((e) => e.type)).toEqual(['AccountOpened', 'AccountSuspended']);
    expect(r.events[1]).toMatchObject({ data: { reason: 'unpaid', on: '2009-01-13' } });
    expect(glouxStateOf(foldAccount('2', r.events))).toBe('suspendu');
  });

  it('lifts every reason when an admin reactivates by hand, and then has nothing to say', () => {
    const opened = accountFromGloux(initialAccountState('2'), row, '2026-11-25').events;
    const r = accountFromGloux(foldAccount('2', opened), { ...row, etat: 'actif' }, '2026-11-25');
    expect(r.events).toEqual([
      {
        type: 'AccountReactivated',
        data: { accountId: '2', liftedReason: 'unpaid', on: '2026-11-25' },
      },
    ]);
    const state = foldAccount('2', [...opened, ...r.events]);
    expect(glouxStateOf(state)).toBe('actif');
    expect(accountFromGloux(state, { ...row, etat: 'actif' }, '2026-11-25')).toEqual({
      events: [],
      issue: null,
    });
  });

  it('cannot reopen a closed account: an issue, no event', () => {
    const closed = foldAccount('2', [
      ...accountFromGloux(initialAccountState('2'), row, '2026-11-25').events,
      { type: 'AccountClosed', data: { accountId: '2', on: '2026-11-01', note: '' } },
    ]);
    const r = accountFromGloux(closed, { ...row, etat: 'actif' }, '2026-11-25');
    expect(r).toMatchObject({ events: [], issue: { code: 'reopened' } });
  });
});
