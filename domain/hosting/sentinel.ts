import { addDays, type Day } from '../shared/day.js';

/**
 * The sentinel's rules for mailbox quotas (issue 19, HOSTING.md "Quotas, accounting and the
 * sentinel"): pure, over a box's daily usage; the day is always passed in.
 *
 * Levels of a day, from the box's usage against its quota that day:
 * - `near` ("bientôt plein"): at least 90 % of the quota; Dovecot still accepts mail;
 * - `full` ("plein"): at least 100 %: Dovecot refuses new mail (senders get a bounce).
 * A box with no quota (0) has no level.
 *
 * An **episode** starts on the first day a box reaches a level, and ends on the first measured
 * day it is back under 90 % (a later crossing is a new episode). A day without a measurement
 * (the collector did not run) changes nothing. Within an episode the cooperator is told once,
 * on the day it starts, and again only on a day it reaches a worse level than any told before
 * (near → full); going back from full to near and up again says nothing new.
 */
export type QuotaLevel = 'near' | 'full';

export const QUOTA_LEVELS: readonly { level: QuotaLevel; percent: number }[] = [
  { level: 'near', percent: 90 },
  { level: 'full', percent: 100 },
];

/** The lowest level's percentage: under it, an episode ends. */
export const NEAR_PERCENT = 90;

export const QUOTA_LEVEL_LABELS: Readonly<Record<QuotaLevel, string>> = {
  near: 'bientôt pleine',
  full: 'pleine',
};

const RANK: Readonly<Record<QuotaLevel, number>> = { near: 1, full: 2 };

/** One box's measurement of one day (g2_mail_usage). */
export interface BoxUsage {
  readonly day: Day;
  readonly usedKb: number;
  /** The box's quota that day, in Mo (mails.quota_mo); 0: none. */
  readonly quotaMb: number;
}

/** The level of a measurement, or null (under 90 %, or no quota). Integer arithmetic only. */
export function levelOf(usedKb: number, quotaMb: number): QuotaLevel | null {
  if (!(quotaMb > 0) || !(usedKb > 0)) return null;
  let found: QuotaLevel | null = null;
  for (const { level, percent } of QUOTA_LEVELS)
    if (usedKb * 100 >= quotaMb * 1024 * percent) found = level;
  return found;
}

/** Whether `a` is a worse level than `b` (null: no level). */
export function isWorse(a: QuotaLevel, b: QuotaLevel | null): boolean {
  return b === null || RANK[a] > RANK[b];
}

/** An open episode: since when, and the worst level the cooperator has been told of. */
export interface Episode {
  readonly startedOn: Day;
  readonly told: QuotaLevel;
}

/** What the cooperator is to be told, on the day it was decided. */
export interface QuotaAlert {
  readonly day: Day;
  readonly level: QuotaLevel;
  /** 'started': the episode's first alert; 'worse': a worse level within it. */
  readonly reason: 'started' | 'worse';
  readonly episodeStartedOn: Day;
  readonly usedKb: number;
  readonly quotaMb: number;
}

export interface SentinelStep {
  readonly episode: Episode | null;
  readonly alert: QuotaAlert | null;
}

/** One measured day applied to the box's episode. */
export function stepBox(episode: Episode | null, usage: BoxUsage): SentinelStep {
  const level = levelOf(usage.usedKb, usage.quotaMb);
  if (level === null) return { episode: null, alert: null };
  const alert = (reason: QuotaAlert['reason'], startedOn: Day): QuotaAlert => ({
    day: usage.day,
    level,
    reason,
    episodeStartedOn: startedOn,
    usedKb: usage.usedKb,
    quotaMb: usage.quotaMb,
  });
  if (episode === null)
    return { episode: { startedOn: usage.day, told: level }, alert: alert('started', usage.day) };
  if (isWorse(level, episode.told))
    return { episode: { ...episode, told: level }, alert: alert('worse', episode.startedOn) };
  return { episode, alert: null };
}

/** Measurements in day order, one per day (the last one of a day wins), up to `on` included. */
function measuredUpTo(history: readonly BoxUsage[], on: Day): BoxUsage[] {
  const byDay = new Map<Day, BoxUsage>();
  for (const u of history) if (u.day <= on) byDay.set(u.day, u);
  return [...byDay.values()].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
}

/** The box's episode after every measurement up to `on` included (null: none open). */
export function episodeOn(history: readonly BoxUsage[], on: Day): Episode | null {
  let episode: Episode | null = null;
  for (const u of measuredUpTo(history, on)) episode = stepBox(episode, u).episode;
  return episode;
}

/**
 * The alerts of the episode still open on `on` (the day's run): every alert it has raised up to
 * that day, so a run that follows days the sentinel did not run still tells what was missed;
 * recorded once each (box × day × level), they are sent once. An episode that ended before
 * `on` is over: nothing of it is sent any more. Nothing when the box is under 90 % on `on`'s
 * latest measurement.
 */
export function openEpisodeAlerts(history: readonly BoxUsage[], on: Day): QuotaAlert[] {
  let episode: Episode | null = null;
  let alerts: QuotaAlert[] = [];
  for (const u of measuredUpTo(history, on)) {
    const step = stepBox(episode, u);
    if (step.episode === null) alerts = [];
    else if (step.alert) alerts = [...alerts, step.alert];
    episode = step.episode;
  }
  return alerts;
}

/** Every alert over the whole history, in day order (what running every day would send). */
export function alertsOfHistory(history: readonly BoxUsage[]): QuotaAlert[] {
  let episode: Episode | null = null;
  const alerts: QuotaAlert[] = [];
  const days = history.map((u) => u.day).sort();
  const last = days[days.length - 1];
  if (last === undefined) return [];
  for (const u of measuredUpTo(history, last)) {
    const step = stepBox(episode, u);
    if (step.alert) alerts.push(step.alert);
    episode = step.episode;
  }
  return alerts;
}

/** The usage as a percentage of the quota, one decimal ("112.5"); null without a quota. */
export function usagePercent(usedKb: number, quotaMb: number): number | null {
  if (!(quotaMb > 0)) return null;
  return Math.round((usedKb * 1000) / (quotaMb * 1024)) / 10;
}

/** What a box used over its quota, in ko (0 when under). */
export function overKb(usedKb: number, quotaMb: number): number {
  return quotaMb > 0 ? Math.max(0, usedKb - quotaMb * 1024) : 0;
}

/** One box's row in the top over-users over a window. */
export interface OverUser {
  readonly address: string;
  readonly hostingId: string;
  readonly domain: string;
  /** Its highest usage/quota over the window (percent, one decimal). */
  readonly peakPercent: number;
  /** Its largest volume over the quota over the window, ko. */
  readonly peakOverKb: number;
  /** Days of the window at 90 % or more, and at 100 % or more. */
  readonly daysNear: number;
  readonly daysFull: number;
  /** Its latest measurement in the window. */
  readonly last: BoxUsage;
}

export interface UsageRow extends BoxUsage {
  readonly address: string;
  readonly hostingId: string;
  readonly domain: string;
}

/** The window of `days` days ending on `on` (included): its first day. */
export function windowStart(on: Day, days: number): Day {
  return addDays(on, -(days - 1));
}

/**
 * The boxes that reached 90 % of their quota at least once among `rows` (one window), ranked
 * by their peak ratio, then by their peak volume over, then by address.
 */
export function rankOverUsers(rows: readonly UsageRow[]): OverUser[] {
  const byBox = new Map<string, UsageRow[]>();
  for (const r of rows) byBox.set(r.address, [...(byBox.get(r.address) ?? []), r]);
  const out: OverUser[] = [];
  for (const [address, list] of byBox) {
    const levels = list.map((r) => levelOf(r.usedKb, r.quotaMb));
    if (levels.every((l) => l === null)) continue;
    const last = [...list].sort((a, b) => (a.day < b.day ? 1 : a.day > b.day ? -1 : 0))[0]!;
    out.push({
      address,
      hostingId: last.hostingId,
      domain: last.domain,
      peakPercent: Math.max(...list.map((r) => usagePercent(r.usedKb, r.quotaMb) ?? 0)),
      peakOverKb: Math.max(...list.map((r) => overKb(r.usedKb, r.quotaMb))),
      daysNear: levels.filter((l) => l !== null).length,
      daysFull: levels.filter((l) => l === 'full').length,
      last: { day: last.day, usedKb: last.usedKb, quotaMb: last.quotaMb },
    });
  }
  return out.sort(
    (a, b) =>
      b.peakPercent - a.peakPercent ||
      b.peakOverKb - a.peakOverKb ||
      (a.address < b.address ? -1 : a.address > b.address ? 1 : 0),
  );
}

/** "1,5 Go", "412 Mo", "800 ko": a volume given in ko, the French way. */
export function formatKb(kb: number): string {
  const fr = (n: number, digits: number) =>
    n.toLocaleString('fr-FR', { maximumFractionDigits: digits }).replace(/\u202f|\u00a0/g, ' ');
  if (kb >= 1024 * 1024) return `${fr(kb / (1024 * 1024), 1)} Go`;
  if (kb >= 1024) return `${fr(kb / 1024, 0)} Mo`;
  return `${fr(kb, 0)} ko`;
}

/** "90 %" / "112,5 %". */
export function formatPercent(p: number): string {
  return `${p.toLocaleString('fr-FR', { maximumFractionDigits: 1 })} %`.replace(/\u202f/g, ' ');
}
