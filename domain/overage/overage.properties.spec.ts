import fc from 'fast-check';
import { go, mo, testRules, usage } from './overage.testkit.js';
import { validateIssueInvoice } from '../billing/invoice.js';
import { addDays } from '../shared/day.js';
import { Money } from '../shared/money.js';
import type { OverageCharge, OverageResource } from './events.js';
import {
  decideCloseOverage,
  decideRecordUsage,
  evolveHostingOverage,
  initialHostingOverageState,
  type HostingOverageState,
} from './hosting-overage.js';
import { monthOf } from './months.js';
import {
  decideRecordOverageInvoiced,
  decideRequestOverageInvoice,
  evolveOverageBilling,
  initialOverageBillingState,
  overageInvoiceInput,
  pendingCharges,
  totalOf,
  type OverageBillingState,
} from './overage-invoicing.js';

const HOSTINGS = ['7', '8'];
const START = '2026-01-01';

/** One simulated day of usage per hosting; the job may not run every day. */
const dayArb = fc.record({
  runs: fc.boolean(),
  disk: fc.integer({ min: 380, max: 720 }),
  mail: fc.integer({ min: 18, max: 23 }),
  trafficGo: fc.integer({ min: 0, max: 9 }),
});

const scenarioArb = fc.record({
  graceDays: fc.integer({ min: 0, max: 10 }),
  thresholdCents: fc.integer({ min: 1, max: 1500 }),
  days: fc.array(fc.tuple(dayArb, dayArb), { minLength: 20, maxLength: 130 }),
  close: fc.boolean(),
});

type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;
type Run = { day: string; over: boolean };

interface Outcome {
  charges: OverageCharge[];
  billing: OverageBillingState;
  batches: { reason: string; total: Money; chargeIds: readonly string[]; invoiceTotal: Money }[];
  /** Pending total (TTC) after each day's invoicing, and the threshold. */
  pendingAfterEachRun: Money[];
  runs: Map<string, Run[]>;
  threshold: Money;
  graceDays: number;
}

/** Plays the job over the scenario: readings, then the customer's invoicing, each run day. */
function simulate(s: Scenario): Outcome {
  const rules = { ...testRules, graceDays: s.graceDays };
  const threshold = Money.round(Money.of('0.01').times(String(s.thresholdCents)));
  const states = new Map<string, HostingOverageState>(
    HOSTINGS.map((h) => [h, initialHostingOverageState]),
  );
  const traffic = new Map<string, { month: string; mtd: number; previous: number }>();
  let billing = initialOverageBillingState;
  const out: Outcome = {
    charges: [],
    billing,
    batches: [],
    pendingAfterEachRun: [],
    runs: new Map(),
    threshold,
    graceDays: s.graceDays,
  };
  const record = (h: string, resource: OverageResource, run: Run) => {
    const key = `${h}:${resource}`;
    out.runs.set(key, [...(out.runs.get(key) ?? []), run]);
  };
  const invoice = (on: string, reason: 'threshold' | 'account_closed') => {
    let n = 0;
    for (;;) {
      const requested = decideRequestOverageInvoice(
        billing,
        { customerId: '3', on, reason },
        {
          charges: out.charges,
          threshold,
          batchId: `B${out.batches.length + 1}`,
          idempotencyKey: (ids) => ids.join(','),
        },
      );
      if (requested.length === 0) break;
      billing = requested.reduce(evolveOverageBilling, billing);
      const batch = billing.batches[billing.batches.length - 1]!;
      const issued = validateIssueInvoice(overageInvoiceInput(batch, '3', out.charges), {
        lineId: () => '',
      });
      out.batches.push({
        reason: batch.reason,
        total: Money.of(batch.total),
        chargeIds: batch.chargeIds,
        invoiceTotal: issued.total,
      });
      billing = decideRecordOverageInvoiced(billing, {
        batchId: batch.batchId,
        invoiceId: `I${out.batches.length}`,
        number: `F2026-${out.batches.length}`,
        total: issued.total.toString(),
        on,
      }).reduce(evolveOverageBilling, billing);
      if (++n > 3) throw new Error('invoicing does not settle');
    }
    out.pendingAfterEachRun.push(totalOf(pendingCharges(billing, '3', out.charges)));
  };
  const apply = (h: string, events: ReturnType<typeof decideRecordUsage>) => {
    let state = states.get(h)!;
    for (const e of events) {
      state = evolveHostingOverage(state, e);
      if (e.type === 'OverageCharged') out.charges.push(e.data);
    }
    states.set(h, state);
    return state;
  };

  let day = START;
  s.days.forEach((pair, i) => {
    day = addDays(START, i);
    const runs = pair[0].runs;
    pair.forEach((u, k) => {
      const h = HOSTINGS[k]!;
      const t = traffic.get(h) ?? { month: monthOf(day), mtd: 0, previous: 0 };
      const current =
        t.month === monthOf(day) ? t : { month: monthOf(day), mtd: 0, previous: t.mtd };
      current.mtd += go(u.trafficGo);
      traffic.set(h, current);
      if (!runs) return;
      const cmd = usage(
        day,
        { disk: mo(u.disk), mail: u.mail, traffic: current.mtd },
        {
          hostingId: h,
          previousMonthTraffic: {
            month: monthOf(addDays(`${monthOf(day)}-01`, -1)),
            measured: current.previous,
          },
        },
      );
      for (const r of cmd.readings) record(h, r.resource, { day, over: r.measured > r.quota });
      const state = apply(h, decideRecordUsage(states.get(h)!, cmd, rules));
      // Running the job again the same day changes nothing.
      expect(decideRecordUsage(state, cmd, rules)).toEqual([]);
    });
    if (runs) invoice(day, 'threshold');
  });
  if (s.close) {
    const closing = addDays(day, 1);
    for (const h of HOSTINGS) apply(h, decideCloseOverage(states.get(h)!, { on: closing }, rules));
    invoice(closing, 'account_closed');
  }
  out.billing = billing;
  return out;
}

describe('overage — properties over any sequence of readings', () => {
  it('never an invoice below the threshold except at closure; every one is exactly its pending lines', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const o = simulate(s);
        const seen = new Set<string>();
        for (const b of o.batches) {
          if (b.reason === 'threshold')
            expect(b.total.compare(o.threshold)).toBeGreaterThanOrEqual(0);
          const lines = b.chargeIds.map((id) => o.charges.find((c) => c.chargeId === id)!);
          expect(totalOf(lines).equals(b.total)).toBe(true);
          expect(b.invoiceTotal.equals(b.total)).toBe(true);
          for (const id of b.chargeIds) {
            expect(seen.has(id)).toBe(false);
            seen.add(id);
          }
        }
        // Carried forward only while below the threshold; after a closure nothing is left.
        for (const p of o.pendingAfterEachRun.slice(0, s.close ? -1 : undefined))
          expect(p.compare(o.threshold)).toBeLessThan(0);
        if (s.close) expect(pendingCharges(o.billing, '3', o.charges)).toEqual([]);
        // Pending + invoiced = every line, each once.
        const pending = pendingCharges(o.billing, '3', o.charges);
        expect(pending.length + seen.size).toBe(o.charges.length);
      }),
      { numRuns: 150 },
    );
  });

  it('grace respected: a billed day was over at the last reading, at least the grace period after the warning', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const o = simulate(s);
        const billed = new Set<string>();
        for (const c of o.charges) {
          expect(c.periodStart >= addDays(c.since, o.graceDays)).toBe(true);
          const runs = o.runs.get(`${c.hostingId}:${c.resource}`)!;
          // The warning was a reading over quota, after a reading under it (or the first one).
          const at = runs.findIndex((r) => r.day === c.since);
          expect(runs[at]?.over).toBe(true);
          expect(at === 0 || runs[at - 1]!.over === false || c.resource === 'traffic').toBe(true);
          for (let d = c.periodStart; d <= c.periodEnd; d = addDays(d, 1)) {
            const key = `${c.hostingId}:${c.resource}:${d}`;
            expect(billed.has(key)).toBe(false); // no day billed twice
            billed.add(key);
            if (c.resource === 'traffic') {
              expect(monthOf(d)).toBe(monthOf(c.since));
              continue;
            }
            // Every reading from the warning up to this day was over quota.
            const upTo = runs.filter((r) => r.day >= c.since && r.day <= d);
            expect(upTo.every((r) => r.over)).toBe(true);
          }
        }
      }),
      { numRuns: 150 },
    );
  });
});
