import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { addDays } from '../shared/day.js';
import {
  alertsOfHistory,
  episodeOn,
  formatKb,
  formatPercent,
  levelOf,
  openEpisodeAlerts,
  rankOverUsers,
  usagePercent,
  type BoxUsage,
  type QuotaLevel,
  type UsageRow,
} from './sentinel.js';

const D0 = '2026-11-01';
/** A 100 Mo box's measurement on day D0 + n, given as a percentage of its quota. */
const at = (n: number, percent: number, quotaMb = 100): BoxUsage => ({
  day: addDays(D0, n),
  usedKb: Math.round((quotaMb * 1024 * percent) / 100),
  quotaMb,
});
/** Given these measurements, when the sentinel runs day by day, then it sends these alerts. */
const sent = (history: BoxUsage[]) =>
  history.flatMap((u) =>
    openEpisodeAlerts(history, u.day)
      .filter((a) => a.day === u.day)
      .map((a) => `${a.day} ${a.level} ${a.reason} (depuis ${a.episodeStartedOn})`),
  );

describe('levels of a day', () => {
  it('is near from 90 % of the quota and full from 100 %; nothing under, or without a quota', () => {
    expect(levelOf(92_159, 100)).toBeNull(); // 89.99 %
    expect(levelOf(92_160, 100)).toBe('near'); // 90 %
    expect(levelOf(102_399, 100)).toBe('near');
    expect(levelOf(102_400, 100)).toBe('full');
    expect(levelOf(500_000, 100)).toBe('full');
    expect(levelOf(500_000, 0)).toBeNull();
    expect(levelOf(0, 100)).toBeNull();
  });

  it('grows with the usage, and falls when the quota is raised', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 1, max: 100_000 }),
        (a, b, quota) => {
          const rank = (l: QuotaLevel | null) => (l === null ? 0 : l === 'near' ? 1 : 2);
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          expect(rank(levelOf(lo, quota))).toBeLessThanOrEqual(rank(levelOf(hi, quota)));
          expect(rank(levelOf(hi, quota + 1))).toBeLessThanOrEqual(rank(levelOf(hi, quota)));
        },
      ),
    );
  });
});

describe('episodes', () => {
  it('tells once when a box goes over 90 %, not every day', () => {
    expect(sent([at(0, 50), at(1, 91), at(2, 93), at(3, 95)])).toEqual([
      '2026-11-02 near started (depuis 2026-11-02)',
    ]);
  });

  it('tells again when it gets worse (full), and only once', () => {
    expect(sent([at(0, 91), at(1, 99), at(2, 100), at(3, 104), at(4, 130)])).toEqual([
      '2026-11-01 near started (depuis 2026-11-01)',
      '2026-11-03 full worse (depuis 2026-11-01)',
    ]);
  });

  it('says nothing when it eases from full to near and fills up again within the episode', () => {
    expect(sent([at(0, 101), at(1, 95), at(2, 102)])).toEqual([
      '2026-11-01 full started (depuis 2026-11-01)',
    ]);
  });

  it('goes straight to full in one alert', () => {
    expect(sent([at(0, 10), at(1, 120)])).toEqual(['2026-11-02 full started (depuis 2026-11-02)']);
  });

  it('ends when the box is back under 90 %: a later crossing is a new episode', () => {
    const history = [at(0, 95), at(1, 101), at(2, 60), at(3, 92)];
    expect(sent(history)).toEqual([
      '2026-11-01 near started (depuis 2026-11-01)',
      '2026-11-02 full worse (depuis 2026-11-01)',
      '2026-11-04 near started (depuis 2026-11-04)',
    ]);
    expect(episodeOn(history, addDays(D0, 2))).toBeNull();
    expect(episodeOn(history, addDays(D0, 3))).toEqual({
      startedOn: '2026-11-04',
      told: 'near',
    });
  });

  it('ends when the quota is raised above the usage', () => {
    expect(sent([at(0, 101, 100), at(1, 50.5, 200), at(2, 101, 100)])).toEqual([
      '2026-11-01 full started (depuis 2026-11-01)',
      '2026-11-03 full started (depuis 2026-11-03)',
    ]);
  });

  it('keeps the episode over a day without measurement', () => {
    // No row for D0+1 (the collector did not run): the episode goes on.
    expect(sent([at(0, 95), at(2, 96)])).toEqual(['2026-11-01 near started (depuis 2026-11-01)']);
  });

  it('never alerts a box without a quota', () => {
    expect(sent([at(0, 0, 0), { day: addDays(D0, 1), usedKb: 10_000_000, quotaMb: 0 }])).toEqual(
      [],
    );
  });

  it("catches up on a run after missed days: the open episode's alerts up to that day", () => {
    const history = [at(0, 50), at(1, 95), at(2, 101), at(3, 102)];
    expect(openEpisodeAlerts(history, addDays(D0, 3)).map((a) => [a.day, a.level])).toEqual([
      ['2026-11-02', 'near'],
      ['2026-11-03', 'full'],
    ]);
    // Ignores what is measured after the run's day.
    expect(openEpisodeAlerts(history, addDays(D0, 1)).map((a) => a.level)).toEqual(['near']);
  });

  it('drops the alerts of an episode that ended before the run', () => {
    expect(openEpisodeAlerts([at(0, 95), at(1, 40)], addDays(D0, 1))).toEqual([]);
  });
});

/** A box's history: one measurement per day over up to 40 days, some days missing. */
const historyArb = fc
  .array(
    fc.record({
      skip: fc.boolean(),
      percent: fc.integer({ min: 0, max: 140 }),
      quotaMb: fc.constantFrom(0, 50, 100, 1000),
    }),
    { maxLength: 40 },
  )
  .map((days) =>
    days
      .flatMap((d, i) => (d.skip ? [] : [at(i, d.percent, d.quotaMb || 100)]))
      .map((u, i) =>
        // Now and then a box without a quota.
        i % 7 === 6 ? { ...u, quotaMb: 0 } : u,
      ),
  );

describe('properties', () => {
  it('a daily run sends exactly the alerts of the history, none twice, whatever days it misses', () => {
    fc.assert(
      fc.property(historyArb, fc.array(fc.boolean(), { maxLength: 40 }), (history, runs) => {
        const all = alertsOfHistory(history).map((a) => `${a.day}|${a.level}`);
        expect(new Set(all).size).toBe(all.length);
        // Every day's run: exactly the history's alerts.
        const daily = new Set(
          history.flatMap((u) =>
            openEpisodeAlerts(history, u.day).map((a) => `${a.day}|${a.level}`),
          ),
        );
        expect([...daily].sort()).toEqual([...all].sort());
        // Runs on some days only: never an alert the history does not have.
        const some = history.filter((_, i) => runs[i] ?? true);
        for (const u of some)
          for (const a of openEpisodeAlerts(history, u.day))
            expect(all).toContain(`${a.day}|${a.level}`);
      }),
    );
  });

  it('an episode has at most one alert per level, each worse than the one before', () => {
    fc.assert(
      fc.property(historyArb, (history) => {
        const byEpisode = new Map<string, QuotaLevel[]>();
        for (const a of alertsOfHistory(history))
          byEpisode.set(a.episodeStartedOn, [
            ...(byEpisode.get(a.episodeStartedOn) ?? []),
            a.level,
          ]);
        for (const levels of byEpisode.values())
          expect([['near'], ['full'], ['near', 'full']]).toContainEqual(levels);
      }),
    );
  });

  it('a new episode starts exactly on each crossing from under 90 % (or no measurement yet)', () => {
    fc.assert(
      fc.property(historyArb, (history) => {
        let previous: QuotaLevel | null = null;
        const crossings: string[] = [];
        for (const u of history) {
          const level = levelOf(u.usedKb, u.quotaMb);
          if (level !== null && previous === null) crossings.push(u.day);
          previous = level;
        }
        expect(
          alertsOfHistory(history)
            .filter((a) => a.reason === 'started')
            .map((a) => a.day),
        ).toEqual(crossings);
      }),
    );
  });
});

describe('the top over-users', () => {
  const row = (address: string, n: number, percent: number, quotaMb = 100): UsageRow => ({
    ...at(n, percent, quotaMb),
    address,
    hostingId: '1',
    domain: address.split('@')[1]!,
  });

  it('ranks the boxes that reached 90 % by peak ratio, then by volume over, then by address', () => {
    const ranked = rankOverUsers([
      row('a@x.fr', 0, 95),
      row('a@x.fr', 1, 50),
      row('b@x.fr', 0, 110, 1000), // 100 Mo over
      row('c@x.fr', 0, 110, 100), // 10 Mo over
      row('d@x.fr', 0, 89),
      row('e@x.fr', 0, 120, 0), // no quota
      row('f@x.fr', 3, 95),
    ]);
    expect(
      ranked.map((r) => [r.address, r.peakPercent, r.peakOverKb, r.daysNear, r.daysFull]),
    ).toEqual([
      ['b@x.fr', 110, 102_400, 1, 1],
      ['c@x.fr', 110, 10_240, 1, 1],
      ['a@x.fr', 95, 0, 1, 0],
      ['f@x.fr', 95, 0, 1, 0],
    ]);
    expect(ranked[2]!.last).toEqual(at(1, 50));
  });

  it('formats volumes and ratios the French way', () => {
    expect(formatKb(800)).toBe('800 ko');
    expect(formatKb(421_888)).toBe('412 Mo');
    expect(formatKb(1_572_864)).toBe('1,5 Go');
    expect(formatPercent(usagePercent(115_200, 100)!)).toBe('112,5 %');
    expect(usagePercent(1, 0)).toBeNull();
  });
});
