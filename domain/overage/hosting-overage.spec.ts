import { go, mo, testRules, usage } from './overage.testkit.js';
import { DomainError } from '../shared/errors.js';
import type { HostingOverageEvent, OverageCharge } from './events.js';
import {
  decideCloseOverage,
  decideRecordUsage,
  evolveHostingOverage,
  initialHostingOverageState,
  openEpisode,
  type HostingOverageState,
  type RecordUsage,
} from './hosting-overage.js';

/** Runs the days in order, folding each day's events; returns the state and every event. */
function run(days: RecordUsage[], from: HostingOverageState = initialHostingOverageState) {
  let state = from;
  const events: HostingOverageEvent[] = [];
  for (const day of days) {
    for (const e of decideRecordUsage(state, day, testRules)) {
      events.push(e);
      state = evolveHostingOverage(state, e);
    }
  }
  return { state, events };
}

const charges = (events: HostingOverageEvent[]): OverageCharge[] =>
  events.flatMap((e) => (e.type === 'OverageCharged' ? [e.data] : []));

describe('decideRecordUsage — warning and grace period', () => {
  it('a disk over its quota is a warning first: detected, billable 7 days later, with a monthly estimate', () => {
    const { events } = run([usage('2026-03-10', { disk: mo(412) })]);
    expect(events).toEqual([
      {
        type: 'OverageDetected',
        data: {
          hostingId: '7',
          customerId: '3',
          hostingName: 'webcoop',
          resource: 'disk',
          measured: mo(412),
          quota: mo(400),
          excess: mo(12),
          since: '2026-03-10',
          graceEndsOn: '2026-03-17',
          // One started block of 100 Mo: 0.4183 → 0.42 HT, VAT 0.08.
          estimate: {
            quantity: '1',
            unitNet: '0.4183',
            net: '0.42',
            vatRate: '20',
            total: '0.50',
          },
        },
      },
    ]);
  });

  it('the same readings again, or an earlier day, record nothing', () => {
    const { state } = run([usage('2026-03-10', { disk: mo(412) })]);
    expect(decideRecordUsage(state, usage('2026-03-10', { disk: mo(412) }), testRules)).toEqual([]);
    expect(decideRecordUsage(state, usage('2026-03-09', { disk: mo(900) }), testRules)).toEqual([]);
  });

  it('a changed reading while over is recorded; back under quota resolves the episode', () => {
    const { state, events } = run([
      usage('2026-03-10', { disk: mo(412) }),
      usage('2026-03-11', { disk: mo(450) }),
      usage('2026-03-12', { disk: mo(450) }),
      usage('2026-03-13', { disk: mo(399) }),
    ]);
    expect(events.map((e) => e.type)).toEqual([
      'OverageDetected',
      'OverageMeasured',
      'OverageResolved',
    ]);
    expect(events[2]).toMatchObject({
      data: { on: '2026-03-13', reason: 'back_under_quota', since: '2026-03-10' },
    });
    expect(openEpisode(state, 'disk')).toBeNull();
  });

  it('usage reduced within the grace period is never billed', () => {
    const { events } = run([
      usage('2026-03-10', { disk: mo(412) }),
      usage('2026-03-16', { disk: mo(390) }),
      usage('2026-04-02', { disk: mo(390) }),
      usage('2026-06-01', { disk: mo(390) }),
    ]);
    expect(charges(events)).toEqual([]);
  });

  it('a grace period of 0 days bills from the day of detection', () => {
    const rules = { ...testRules, graceDays: 0 };
    const d = decideRecordUsage(
      initialHostingOverageState,
      usage('2026-03-10', { disk: mo(412) }),
      rules,
    );
    expect(d[0]).toMatchObject({ data: { since: '2026-03-10', graceEndsOn: '2026-03-10' } });
  });

  it('rejects a reading with a zero quota (Gloux’s "unset") rather than bill everything', () => {
    const bad = { ...usage('2026-03-10', { disk: mo(412) }) };
    const cmd = { ...bad, readings: [{ resource: 'disk' as const, measured: 5, quota: 0 }] };
    expect(() => decideRecordUsage(initialHostingOverageState, cmd, testRules)).toThrow(
      DomainError,
    );
  });
});

describe('decideRecordUsage — pending lines per calendar month', () => {
  it('bills the days over after the grace period once the month is complete, pro rata', () => {
    const { events } = run([
      usage('2026-03-10', { disk: mo(412) }),
      usage('2026-03-31', { disk: mo(412) }),
    ]);
    expect(charges(events)).toEqual([]); // March is not over yet
    const next = run(
      [usage('2026-04-01', { disk: mo(412) })],
      run([usage('2026-03-10', { disk: mo(412) })]).state,
    );
    // 17 → 31 March: 15 days of 31 at 0.4183 a month: 0.2024… → 0.20, VAT 0.04.
    expect(charges(next.events)).toEqual([
      {
        chargeId: '7:disk:2026-03-17',
        hostingId: '7',
        customerId: '3',
        resource: 'disk',
        since: '2026-03-10',
        label: 'Dépassement d’espace disque (webcoop) : 1 × 100 Mo, 15 j sur 31',
        productId: null,
        periodStart: '2026-03-17',
        periodEnd: '2026-03-31',
        quantity: '0.4839',
        unitNet: '0.4183',
        net: '0.20',
        vatRate: '20',
        vat: '0.04',
        total: '0.24',
        chargedOn: '2026-04-01',
      },
    ]);
  });

  it('one line per run of days with the same number of started blocks', () => {
    const { events } = run([
      usage('2026-03-10', { disk: mo(412) }),
      usage('2026-03-21', { disk: mo(520) }), // 120 Mo over: 2 blocks
      usage('2026-04-03', { disk: mo(520) }),
    ]);
    expect(charges(events).map((c) => [c.periodStart, c.periodEnd, c.quantity, c.net])).toEqual([
      ['2026-03-17', '2026-03-20', '0.129', '0.05'], // 1 × 4/31
      ['2026-03-21', '2026-03-31', '0.7097', '0.30'], // 2 × 11/31
    ]);
  });

  it('a whole month over costs the monthly price per block; a resolved episode is billed at once', () => {
    const { events } = run([
      usage('2026-03-10', { disk: mo(612) }), // 3 blocks
      usage('2026-05-11', { disk: mo(100) }),
    ]);
    expect(charges(events).map((c) => [c.periodStart, c.periodEnd, c.quantity, c.net])).toEqual([
      ['2026-03-17', '2026-03-31', '1.4516', '0.61'],
      ['2026-04-01', '2026-04-30', '3', '1.25'], // 3 × 0.4183 = 1.2549
      ['2026-05-01', '2026-05-10', '0.9677', '0.40'], // 3 × 10/31: May billed at resolution
    ]);
    // Nothing more later: every billable day is charged exactly once.
    const { state } = run([
      usage('2026-03-10', { disk: mo(612) }),
      usage('2026-05-11', { disk: mo(100) }),
    ]);
    expect(decideRecordUsage(state, usage('2026-07-01', { disk: mo(100) }), testRules)).toEqual([]);
  });

  it('uses the VAT rate in force at the end of each period', () => {
    const { events } = run([
      usage('2013-12-01', { disk: mo(412) }),
      usage('2014-02-01', { disk: mo(412) }),
    ]);
    expect(charges(events).map((c) => [c.periodEnd, c.vatRate])).toEqual([
      ['2013-12-31', '19.6'],
      ['2014-01-31', '20'],
    ]);
  });

  it('mail: boxes above the included number, per month', () => {
    const { events } = run([usage('2026-02-01', { mail: 22 }), usage('2026-03-01', { mail: 22 })]);
    expect(charges(events)).toMatchObject([
      {
        label: 'Boîtes mail au-delà du forfait (webcoop) : 2 boîtes, 21 j sur 28',
        periodStart: '2026-02-08',
        quantity: '1.5',
        net: '0.15',
      },
    ]);
  });
});

describe('decideRecordUsage — traffic per calendar month', () => {
  it('bills only the traffic above the allowance consumed after the grace period, with the month’s true total', () => {
    const { events } = run([
      usage('2026-03-05', { traffic: go(101) }),
      usage('2026-03-16', { traffic: go(103) }), // grace ended on 03-12
      usage(
        '2026-04-01',
        { traffic: go(1) },
        {
          previousMonthTraffic: { month: '2026-03', measured: go(110) },
        },
      ),
    ]);
    expect(events.map((e) => e.type)).toEqual([
      'OverageDetected',
      'OverageMeasured',
      'OverageResolved',
      'OverageCharged',
    ]);
    expect(events[2]).toMatchObject({
      data: { on: '2026-04-01', reason: 'month_ended', measured: go(110) },
    });
    // Excess before the grace ended: 1 Go (the reading of 03-05 stood until 03-16); month: 10 Go.
    expect(charges(events)).toMatchObject([
      {
        label: 'Dépassement de trafic (webcoop) : 9 Go au-delà de 100 Go, mars 2026',
        periodStart: '2026-03-12',
        periodEnd: '2026-03-31',
        quantity: '9',
        unitNet: '0.10',
        net: '0.90',
        total: '1.08',
      },
    ]);
  });

  it('a new month starts a new count: a month still over is a new warning', () => {
    const { events } = run([
      usage('2026-03-28', { traffic: go(120) }),
      usage(
        '2026-04-20',
        { traffic: go(130) },
        {
          previousMonthTraffic: { month: '2026-03', measured: go(125) },
        },
      ),
    ]);
    // March: grace ended after the month, nothing billed; April: detected again.
    expect(events.map((e) => e.type)).toEqual([
      'OverageDetected',
      'OverageResolved',
      'OverageDetected',
    ]);
    expect(events[2]).toMatchObject({ data: { since: '2026-04-20', graceEndsOn: '2026-04-27' } });
  });
});

describe('decideCloseOverage — account closure', () => {
  it('ends every open episode and bills its days so far, the current month included', () => {
    const { state } = run([usage('2026-03-01', { disk: mo(412), mail: 21 })]);
    const events = decideCloseOverage(state, { on: '2026-03-20' }, testRules);
    expect(events.map((e) => e.type)).toEqual([
      'OverageResolved',
      'OverageResolved',
      'OverageCharged',
      'OverageCharged',
    ]);
    expect(charges(events).map((c) => [c.resource, c.periodStart, c.periodEnd])).toEqual([
      ['disk', '2026-03-08', '2026-03-19'],
      ['mail', '2026-03-08', '2026-03-19'],
    ]);
    let after = state;
    for (const e of events) after = evolveHostingOverage(after, e);
    expect(decideCloseOverage(after, { on: '2026-03-20' }, testRules)).toEqual([]);
  });

  it('refuses a closure dated before recorded readings', () => {
    const { state } = run([usage('2026-03-10', { disk: mo(412) })]);
    expect(() => decideCloseOverage(state, { on: '2026-03-01' }, testRules)).toThrow(DomainError);
  });
});
