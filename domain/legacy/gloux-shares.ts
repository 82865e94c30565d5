import { compareDays, formatDayFr, maxDay, type Day } from '../shared/day.js';
import { formatEuros, Money } from '../shared/money.js';
import type {
  ImportedShare,
  LegacyShareChanged,
  ShareEvent,
  ShareState,
} from '../shares/events.js';
import {
  evolveShareCapital,
  isHeldState,
  legacyShareAnomalies,
  type Share,
  type ShareCapitalState,
  type ShareRules,
} from '../shares/share-capital.js';
import { floorRefusal, newLegacyShares, stateLabel } from '../shares/share-movements.js';
import type { IngestIssue } from './gloux-ingest.js';

/**
 * Gloux → gloux2 for parts_sociales: what Gloux's rows, read at a poll, mean for the share
 * register. A row the register does not hold is Gloux's own (gloux2 writes a row only after its
 * event) and is taken in as LegacySharesImported, like the start-up import. A row that differs
 * from the register is a change Gloux made (the caller leaves out shares whose gloux2 events the
 * mirror has not written yet) and becomes a LegacyShareChanged, if the share domain's rules
 * allow it; otherwise it is reported, not imported, and the register is left as it was.
 * Pure: time, rules and ids come from the caller.
 */

export interface GlouxShareContext {
  readonly today: Day;
  readonly rules: ShareRules;
  /** Shares gloux2's own events touched that the mirror has not written into Gloux yet. */
  readonly unmirrored: ReadonlySet<number>;
  /** The change's id, derived from the share number and Gloux's row as it is now. */
  readonly changeId: (row: ImportedShare) => string;
}

export interface GlouxShareIssue {
  readonly number: number;
  readonly issue: IngestIssue;
  /** True: the change is not imported (the register keeps its state). */
  readonly blocking: boolean;
}

export interface GlouxShareIngest {
  readonly events: ShareEvent[];
  /** New rows taken in. */
  readonly imported: number;
  /** Changed rows taken in. */
  readonly changed: number;
  readonly issues: GlouxShareIssue[];
}

/** Gloux imports are written in events of this many shares (as the start-up import). */
const IMPORT_BATCH = 500;

function moneyOrNull(v: string): Money | null {
  try {
    return Money.of(v);
  } catch {
    return null;
  }
}

/**
 * Does the register hold this share as Gloux's row says? Every poll asks it of every row, so
 * the nominal (a decimal to parse) is compared last, through `nominalOf` (a cache, the rows
 * having one or two values).
 */
export function sameAsGloux(
  share: Share,
  row: ImportedShare,
  nominalOf: (v: string) => Money | null = moneyOrNull,
): boolean {
  if (
    share.state !== row.state ||
    share.tiersId !== row.tiersId ||
    share.subscribedOn !== row.subscribedOn ||
    share.paidOn !== row.paidOn ||
    (share.legacyPaymentId ?? 0) !== row.legacyPaymentId ||
    share.exitOn !== row.exitOn ||
    share.transfereeTiersId !== row.transfereeTiersId
  )
    return false;
  const nominal = nominalOf(row.nominal);
  return nominal !== null && share.nominal.equals(nominal);
}

const EXIT: Partial<Record<ShareState, 'cession' | 'remboursement' | 'annulation'>> = {
  cedee: 'cession',
  remboursee: 'remboursement',
  annulee: 'annulation',
};

type Plan =
  | { kind: 'issue'; issue: IngestIssue }
  | {
      kind: 'change';
      movement: LegacyShareChanged['data']['movement'];
      on: Day | null;
      notes: IngestIssue[];
    };

const label = (s: ShareState) => `« ${stateLabel(s)} »`;

/** What one changed row means, before the capital's rules are checked. */
function plan(share: Share, row: ImportedShare, today: Day): Plan {
  const at = `Part n° ${row.number} (tiers ${row.tiersId})`;
  const refuse = (code: string, message: string): Plan => ({
    kind: 'issue',
    issue: { code, message: `${at} : ${message}` },
  });
  const nominal = moneyOrNull(row.nominal);
  if (nominal === null || !nominal.equals(share.nominal))
    return refuse(
      'share_nominal',
      `valeur nominale modifiée dans Gloux (${share.nominal.toString()} → ${row.nominal}) ; non importé : une part garde sa valeur nominale.`,
    );
  if (row.tiersId !== share.tiersId)
    return refuse(
      'share_tiers',
      `passée du tiers ${share.tiersId} au tiers ${row.tiersId} dans Gloux sans cession ; non importé : une cession s’enregistre dans gloux2 (nouveau numéro pour le cessionnaire).`,
    );
  const wasHeld = isHeldState(share.state);
  const isHeld = isHeldState(row.state);
  if (!wasHeld && isHeld)
    return refuse(
      'share_back',
      `redevenue ${label(row.state)} dans Gloux après être sortie du capital (${stateLabel(share.state)}) ; non importé : une part sortie n’y revient pas.`,
    );
  if (!wasHeld && row.state !== share.state)
    return refuse(
      'share_exit_changed',
      `passée de ${label(share.state)} à ${label(row.state)} dans Gloux ; non importé : sa sortie est déjà inscrite au registre.`,
    );
  if (share.state === 'liberee' && row.state === 'souscrite')
    return refuse(
      'share_unpaid',
      `repassée de « libérée » à « souscrite » dans Gloux ; non importé : une libération ne s’annule pas.`,
    );
  const notes: IngestIssue[] = [];
  if (wasHeld && !isHeld) {
    if (share.pendingRequestId !== null)
      return refuse(
        'share_pending',
        `${stateLabel(row.state)} dans Gloux alors qu’une demande de remboursement l’attend dans gloux2 ; non importé : exécutez ou retirez d’abord la demande.`,
      );
    if (row.state === 'annulee' && (share.state === 'liberee' || row.paidOn !== null))
      return refuse(
        'share_cancel_paid',
        `annulée dans Gloux alors qu’elle est libérée ; non importé : une part libérée se rembourse, elle ne s’annule pas.`,
      );
    const on = row.exitOn ?? today;
    if (row.exitOn === null)
      notes.push({
        code: 'share_no_exit_date',
        message: `${at} : ${stateLabel(row.state)} dans Gloux sans date de sortie (0000-00-00) ; sortie inscrite au ${formatDayFr(today)}, jour où gloux2 l’a vue.`,
      });
    if (compareDays(on, today) > 0)
      return refuse(
        'share_future',
        `date de sortie future dans Gloux (${formatDayFr(on)}) ; non importé.`,
      );
    if (compareDays(on, share.heldFrom) < 0)
      return refuse(
        'share_exit_before',
        `date de sortie (${formatDayFr(on)}) antérieure à son entrée au capital (${formatDayFr(share.heldFrom)}) ; non importé.`,
      );
    if (row.state === 'cedee' && row.transfereeTiersId === null)
      notes.push({
        code: 'share_no_transferee',
        message: `${at} : cédée dans Gloux sans cessionnaire (id_tiers_cessionnaire = 0).`,
      });
    return { kind: 'change', movement: EXIT[row.state] ?? null, on, notes };
  }
  if (share.state === 'souscrite' && row.state === 'liberee') {
    const on = row.paidOn ?? today;
    if (row.paidOn === null)
      notes.push({
        code: 'share_no_paid_date',
        message: `${at} : libérée dans Gloux sans date de libération (0000-00-00) ; libération inscrite au ${formatDayFr(today)}.`,
      });
    if (compareDays(on, today) > 0)
      return refuse(
        'share_future',
        `date de libération future dans Gloux (${formatDayFr(on)}) ; non importé.`,
      );
    if (share.subscribedOn !== null && compareDays(on, share.subscribedOn) < 0)
      return refuse(
        'share_paid_before',
        `libérée le ${formatDayFr(on)} dans Gloux, avant sa souscription (${formatDayFr(share.subscribedOn)}) ; non importé.`,
      );
    return { kind: 'change', movement: 'liberation', on, notes };
  }
  // Same state: Gloux corrected a date, the payment or the transferee. Nothing moves.
  const dates: string[] = [];
  const show = (d: string | null) => (d === null ? '0000-00-00' : d);
  if (row.subscribedOn !== share.subscribedOn)
    dates.push(`souscription ${show(share.subscribedOn)} → ${show(row.subscribedOn)}`);
  if (row.exitOn !== share.exitOn) dates.push(`sortie ${show(share.exitOn)} → ${show(row.exitOn)}`);
  if (dates.length > 0)
    notes.push({
      code: 'share_dates',
      message: `${at} : dates corrigées dans Gloux (${dates.join(', ')}) ; l’historique daté du capital garde les dates déjà inscrites.`,
    });
  return { kind: 'change', movement: null, on: null, notes };
}

/**
 * The events taking in what Gloux wrote to parts_sociales since the register last matched it:
 * new rows first (one import), then changes in date order, each checked against the register
 * as the previous ones left it (date order of the register, capital floor).
 */
export function sharesFromGloux(
  state: ShareCapitalState,
  rows: readonly ImportedShare[],
  ctx: GlouxShareContext,
): GlouxShareIngest {
  const events: ShareEvent[] = [];
  const issues: GlouxShareIssue[] = [];
  // One pass over Gloux's table (every poll reads it whole): rows the register lacks, and
  // rows that differ from it.
  const nominals = new Map<string, Money | null>();
  const nominalOf = (v: string) => {
    if (!nominals.has(v)) nominals.set(v, moneyOrNull(v));
    return nominals.get(v)!;
  };
  const unknown: ImportedShare[] = [];
  const changes: { row: ImportedShare; share: Share; plan: Plan }[] = [];
  for (const row of rows) {
    const share = state.shares.get(row.number);
    if (!share) unknown.push(row);
    else if (!ctx.unmirrored.has(row.number) && !sameAsGloux(share, row, nominalOf))
      changes.push({ row, share, plan: plan(share, row, ctx.today) });
  }
  changes.sort((a, b) => compareDays(dayOf(a.plan), dayOf(b.plan)) || a.row.number - b.row.number);
  const fresh = newLegacyShares(state, unknown);
  for (let i = 0; i < fresh.length; i += IMPORT_BATCH)
    events.push({
      type: 'LegacySharesImported',
      data: { importedOn: ctx.today, shares: fresh.slice(i, i + IMPORT_BATCH) },
    });
  // One code per line: the report keeps one message per row and code.
  for (const s of fresh)
    legacyShareAnomalies(s, ctx.today).forEach((message, k) =>
      issues.push({
        number: s.number,
        issue: { code: `share_anomaly_${k + 1}`, message },
        blocking: false,
      }),
    );
  let current = events.reduce(evolveShareCapital, state);
  // The register's date order is gloux2's movements' (an import is dated by Gloux's rows).
  let lastMovementOn = state.lastMovementOn;
  let changed = 0;
  const transfers: ShareEvent[] = [];
  for (const { row, share, plan: p } of changes) {
    const refuse = (issue: IngestIssue) =>
      issues.push({ number: row.number, issue, blocking: true });
    if (p.kind === 'issue') {
      refuse(p.issue);
      continue;
    }
    const at = `Part n° ${row.number} (tiers ${row.tiersId})`;
    const exit = p.movement !== null && p.movement !== 'liberation' && p.on !== null;
    if (exit && lastMovementOn !== null && compareDays(p.on!, lastMovementOn) < 0) {
      refuse({
        code: 'share_order',
        message: `${at} : sortie datée du ${formatDayFr(p.on!)} dans Gloux, avant le dernier mouvement du registre (${formatDayFr(lastMovementOn)}) ; non importé : le registre des mouvements de titres est tenu dans l’ordre des dates.`,
      });
      continue;
    }
    const event: LegacyShareChanged = {
      type: 'LegacyShareChanged',
      data: {
        changeId: ctx.changeId(row),
        seenOn: ctx.today,
        previousState: share.state,
        share: row,
        movement: p.movement,
        on: p.on,
      },
    };
    const after = evolveShareCapital(current, event);
    // A cession leaves the capital as it was once the transferee's new row is in; without it
    // (Gloux never wrote it, or not yet) the capital falls: the floor holds, and it is said.
    const unmatched = p.movement === 'cession' && !transfereeRowIn(current, share, row, p.on!);
    if (p.movement === 'remboursement' || p.movement === 'annulation' || unmatched) {
      const refusal = floorRefusal(
        current,
        after,
        share.nominal,
        ctx.rules,
        p.movement === 'remboursement'
          ? 'Remboursement'
          : p.movement === 'annulation'
            ? 'Annulation'
            : 'Transfert sans nouvelle part du cessionnaire',
      );
      if (refusal) {
        refuse({
          code: 'share_floor',
          message: `${at}, ${stateLabel(row.state)} dans Gloux : ${refusal.message}`,
        });
        continue;
      }
    }
    if (unmatched)
      issues.push({
        number: row.number,
        issue: {
          code: 'share_transfer_unmatched',
          message: `${at} : cédée dans Gloux le ${formatDayFr(p.on!)} au tiers ${row.transfereeTiersId ?? '0'}, dont la nouvelle part n’était pas dans Gloux quand gloux2 l’a vue : le capital a baissé de ${formatEuros(share.nominal)} ; si Gloux l’écrit ensuite, elle entre comme une souscription.`,
        },
        blocking: false,
      });
    (p.movement === 'cession' ? transfers : events).push(event);
    current = after;
    if (exit) lastMovementOn = lastMovementOn === null ? p.on! : maxDay(lastMovementOn, p.on!);
    for (const issue of p.notes) issues.push({ number: row.number, issue, blocking: false });
    changed += 1;
  }
  // Transfers before the import: the transferee's new row (imported) and the transferred one
  // leaving are the same day's, and the capital must not count both for a moment (the
  // highest capital, hence the floor, would rise by a transfer).
  return { events: [...transfers, ...events], imported: fresh.length, changed, issues };
}

/**
 * Is the transferee's new row of this cession in the register: one more of its shares of that
 * nominal held from the cession's day than the cessions to it that day already taken in?
 */
function transfereeRowIn(
  state: ShareCapitalState,
  share: Share,
  row: ImportedShare,
  on: Day,
): boolean {
  const to = row.transfereeTiersId;
  if (to === null) return false;
  let newRows = 0;
  let taken = 0;
  for (const s of state.shares.values()) {
    if (!s.nominal.equals(share.nominal)) continue;
    if (s.tiersId === to && isHeldState(s.state) && s.heldFrom === on) newRows += 1;
    else if (s.state === 'cedee' && s.transfereeTiersId === to && s.heldUntil === on) taken += 1;
  }
  return newRows > taken;
}

function dayOf(p: Plan): Day {
  return p.kind === 'change' && p.on !== null ? p.on : '0000-01-01';
}
