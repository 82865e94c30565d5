import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { addDays, formatDayFr } from '../../domain/shared/day.js';
import { formatEuros, Money } from '../../domain/shared/money.js';
import type {
  CooperatorJoined,
  AccountClosed,
  AccountClosureNoticeSent,
  AccountReactivated,
  AccountSuspended,
  InvoiceNoticeSent,
  PaymentReminderSent,
  SuspensionReason,
} from '../../domain/accounts/events.js';
import type { PaymentMethod, PaymentRecorded } from '../../domain/billing/events.js';
import type { OverageDetected } from '../../domain/overage/events.js';
import { describeOverage } from '../../domain/overage/describe.js';
import { formatNumberRanges } from '../../domain/shares/share-numbers.js';
import { findCustomer } from '../../legacy-sync/legacy-gateway.js';
import { readLegacyAccount, readLegacyAccountsOf } from '../../legacy-sync/legacy-accounts.js';
import { foldAccount, hasReason } from '../../domain/accounts/account.js';
import { accountStream, type AccountEvent } from '../../domain/accounts/events.js';
import { readStream } from '../kernel/event-store/event-store.js';
import { foldAssembly } from '../../domain/assemblies/assembly.js';
import {
  assemblyStream,
  type AssemblyConvocationDetailed,
  type AssemblyEvent,
} from '../../domain/assemblies/events.js';
import { callLabel, formatTimeFr, kindLabel } from '../../domain/assemblies/rules.js';
import { findTiersByIds } from '../../legacy-sync/legacy-shares.js';
import { fromCents } from '../../domain/shared/cents.js';
import type { Queryable } from '../kernel/database/db.js';
import type { RecordedEvent } from '../kernel/event-store/event-store.js';
import { projectRoot } from '../kernel/paths.js';
import { owedInvoicesByCustomer } from './account-lifecycle.js';
import type { LifecycleConfig } from '../kernel/config.js';

export type MailKind =
  | 'invoice'
  | 'reminder'
  | 'payment'
  | 'suspension'
  | 'reactivation'
  | 'closure-notice'
  | 'closure'
  | 'overage'
  | 'welcome'
  | 'convocation'
  // The sentinel (src/hosting/sentinel): a box near or over its quota, and the admins' summary.
  | 'mail-quota'
  | 'sentinel-summary';

/** One e-mail, before it goes to the outbox. */
export interface MailMessage {
  /** The causing event and the kind: the outbox holds it once. */
  readonly key: string;
  readonly kind: MailKind;
  readonly customerId: string;
  readonly recipient: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/**
 * A payment or suspension Gloux made at most this many days before it was taken in is
 * announced; older ones (the backfill of Gloux's whole history) are not.
 */
const RECENT_GLOUX_DAYS = 7;

/** Whether Gloux's change of `day`, taken in by `event`, is recent enough to be announced. */
const recentInGloux = (event: RecordedEvent, day: string): boolean =>
  day >= addDays(event.recordedAt.slice(0, 10), -RECENT_GLOUX_DAYS);

/** Which events cause an e-mail. Suspensions and closures only when gloux2 made them. */
export function causesMail(event: RecordedEvent): boolean {
  switch (event.type) {
    case 'InvoiceNoticeSent':
    case 'PaymentReminderSent':
    case 'AccountClosureNoticeSent':
    case 'OverageDetected':
      return true;
    case 'PaymentRecorded':
      // Gloux's payments too (Gloux sends no confirmation), but not years of them at backfill.
      return (
        event.metadata.source === 'g2' ||
        recentInGloux(event, (event.data as PaymentRecorded['data']).receivedOn)
      );
    case 'AccountSuspended':
      // Gloux's own suspensions (G3) too, when recent: Gloux tells nobody.
      return (
        event.metadata.source === 'g2' ||
        recentInGloux(event, (event.data as AccountSuspended['data']).on)
      );
    case 'AccountReactivated':
    case 'AccountClosed':
    case 'CooperatorJoined':
    case 'AssemblyConvocationDetailed':
      return event.metadata.source === 'g2';
    default:
      return false;
  }
}

const templatesDir = join(projectRoot, 'src', 'lifecycle', 'mail-templates');

const METHODS: Record<PaymentMethod, string> = {
  cheque: 'chèque',
  card: 'carte bancaire',
  transfer: 'virement',
  cash: 'espèces',
  other: 'autre moyen',
};

const REASONS: Record<SuspensionReason, string> = {
  unpaid: 'facture impayée',
  admin: 'décision administrative',
  abuse: 'abus',
  trial_expired: 'fin de la période d’essai',
};

const SUBJECTS: Record<MailKind, string> = {
  invoice: 'Votre facture {{invoice.number}} : {{euros due}} à régler avant le {{day dueOn}}',
  reminder: 'Relance n° {{rank}} : facture {{number}} impayée ({{euros due}})',
  payment: 'Paiement reçu : {{euros amount}}, merci',
  suspension: 'Hébergement {{account.name}} suspendu',
  reactivation: 'Hébergement {{account.name}} {{#if active}}réactivé{{else}}: motif levé{{/if}}',
  'closure-notice': 'Hébergement {{account.name}} : fermeture le {{day closesOn}}',
  closure: 'Hébergement {{account.name}} fermé',
  overage: 'Hébergement {{hostingName}} : dépassement de quota ({{resource}})',
  welcome: 'Bienvenue chez {{seller}} : votre hébergement {{hostingName}} est ouvert',
  convocation: 'Convocation : assemblée générale {{kind}} du {{day heldOn}} à {{time}}',
  'mail-quota':
    'Boîte {{address}} {{#if full}}pleine{{else}}presque pleine{{/if}} ({{percentText}} de son quota)',
  'sentinel-summary': 'Sentinelle du {{day on}} : {{countText}}',
};

/** Handlebars (text + HTML) templates of the e-mails, in French. */
export class MailTemplates {
  private readonly hbs = Handlebars.create();
  private readonly compiled = new Map<
    MailKind,
    {
      subject: HandlebarsTemplateDelegate;
      text: HandlebarsTemplateDelegate;
      html: HandlebarsTemplateDelegate;
    }
  >();

  constructor() {
    this.hbs.registerHelper('euros', (v: unknown) =>
      typeof v === 'string' && v !== '' ? formatEuros(v).replace(/\u202f|\u00a0/g, ' ') : '',
    );
    this.hbs.registerHelper('day', (v: unknown) =>
      typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? formatDayFr(v) : '',
    );
    this.hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
    this.hbs.registerPartial('layout', readFileSync(join(templatesDir, 'layout.html.hbs'), 'utf8'));
    for (const kind of Object.keys(SUBJECTS) as MailKind[]) {
      const file = (ext: string) => readFileSync(join(templatesDir, `${kind}.${ext}.hbs`), 'utf8');
      this.compiled.set(kind, {
        subject: this.hbs.compile(SUBJECTS[kind], { noEscape: true, strict: true }),
        text: this.hbs.compile(file('text'), { noEscape: true }),
        html: this.hbs.compile(file('html')),
      });
    }
  }

  render(kind: MailKind, model: Record<string, unknown>) {
    const t = this.compiled.get(kind)!;
    const subject = t.subject(model).replace(/\s+/g, ' ').trim();
    return {
      subject,
      text: t.text(model).replace(/\n{3,}/g, '\n\n'),
      html: t.html({ ...model, subject }),
    };
  }
}

/** Builds the e-mail(s) an event causes, reading what they need from the read models and Gloux. */
export class MailMessages {
  constructor(
    private readonly templates: MailTemplates,
    private readonly config: Pick<LifecycleConfig, 'panelUrl' | 'rules'>,
    private readonly seller: string,
  ) {}

  async of(q: Queryable, event: RecordedEvent): Promise<MailMessage[]> {
    if (event.type === 'AssemblyConvocationDetailed') return this.convocation(q, event);
    const built = await this.build(q, event);
    if (!built) return [];
    const customer = await findCustomer(q, built.customerId);
    const model = {
      ...built.model,
      customer: { name: customer?.name ?? `client ${built.customerId}` },
      panelUrl: this.config.panelUrl,
      seller: this.seller,
    };
    return [
      {
        key: `${event.position}:${built.kind}`,
        kind: built.kind,
        customerId: built.customerId,
        recipient: customer?.email ?? '',
        ...this.templates.render(built.kind, model),
      },
    ];
  }

  /**
   * The convocation, one e-mail per member with voting rights (the list frozen at convening),
   * with the link to their space built on PANEL_URL.
   */
  private async convocation(q: Queryable, event: RecordedEvent): Promise<MailMessage[]> {
    const { assemblyId } = (event as unknown as AssemblyConvocationDetailed).data;
    // The whole stream: the agenda's resolutions follow this event, and the list and the
    // agenda never change after convening, so a replay says the same.
    const history = await readStream(q, assemblyStream(assemblyId));
    const state = foldAssembly(
      assemblyId,
      history.map((e) => e as unknown as AssemblyEvent),
    );
    const { convened, details } = state;
    if (!convened || !details) return [];
    const texts = new Map(state.resolutions.map((r) => [r.resolutionId, r]));
    const agenda = details.agenda.map((item, i) => ({
      number: texts.get(item.resolutionId)?.number ?? i + 1,
      title: item.title,
      text: texts.get(item.resolutionId)?.text ?? '',
    }));
    const members = [...state.members.values()];
    const tiers = await findTiersByIds(
      q,
      members.map((m) => m.tiersId),
    );
    const customers = await customersOfTiers(
      q,
      members.map((m) => m.tiersId),
    );
    const base = {
      ...convened,
      kind: kindLabel(convened.kind),
      callLabel: callLabel(convened.call),
      time: formatTimeFr(details.startsAt),
      place: details.place,
      agenda,
      proxyCapLabel: `${convened.proxyCap} pouvoir${convened.proxyCap > 1 ? 's' : ''}`,
      panelUrl: this.config.panelUrl,
      seller: this.seller,
    };
    return members.map((m) => {
      const customerId = customers.get(m.tiersId) ?? '';
      const link = customerId
        ? `${this.config.panelUrl}/adherents/${customerId}`
        : this.config.panelUrl;
      return {
        key: `${event.position}:convocation:${m.tiersId}`,
        kind: 'convocation' as const,
        customerId,
        recipient: tiers.get(m.tiersId)?.email ?? '',
        ...this.templates.render('convocation', { ...base, customer: { name: m.name }, link }),
      };
    });
  }

  private async build(
    q: Queryable,
    event: RecordedEvent,
  ): Promise<{ kind: MailKind; customerId: string; model: Record<string, unknown> } | null> {
    switch (event.type) {
      case 'InvoiceNoticeSent': {
        const d = (event as unknown as InvoiceNoticeSent).data;
        return {
          kind: 'invoice',
          customerId: d.customerId,
          model: { ...d, invoice: await invoiceOf(q, d.invoiceId) },
        };
      }
      case 'PaymentReminderSent': {
        const d = (event as unknown as PaymentReminderSent).data;
        const accounts = await accountNamesOf(q, d.customerId);
        return {
          kind: 'reminder',
          customerId: d.customerId,
          model: {
            ...d,
            accountNames: accounts.join(', ') || 'vos services',
            suspendsOn: addDays(d.dueOn, this.config.rules.suspensionDays + 1),
          },
        };
      }
      case 'PaymentRecorded': {
        const d = (event as unknown as PaymentRecorded).data;
        const invoices = [];
        for (const a of d.allocations) {
          const invoice = await invoiceOf(q, a.invoiceId);
          invoices.push({
            number: invoice.number,
            amount: a.amount,
            left: invoice.left === '0.00' ? '' : invoice.left,
          });
        }
        const allocated = Money.sum(d.allocations.map((a) => Money.of(a.amount)));
        const credited = Money.of(d.amount).minus(allocated);
        return {
          kind: 'payment',
          customerId: d.customerId,
          model: {
            ...d,
            method: METHODS[d.method],
            invoices,
            credited: credited.isPositive() ? credited.toString() : '',
          },
        };
      }
      case 'AccountSuspended': {
        const d = (event as unknown as AccountSuspended).data;
        // Already suspended for that reason (the same change taken in twice): nothing new to say.
        const before = await stateBefore(q, d.accountId, event.position);
        if (hasReason(before, d.reason) || before.closedOn !== null) return null;
        const account = await accountOf(q, d.accountId);
        if (!account) return null;
        const owed = await owedOf(q, account.customerId);
        return {
          kind: 'suspension',
          customerId: account.customerId,
          model: {
            ...d,
            account,
            ...owed,
            unpaid: d.reason === 'unpaid',
            trial: d.reason === 'trial_expired',
          },
        };
      }
      case 'AccountReactivated': {
        const d = (event as unknown as AccountReactivated).data;
        const account = await accountOf(q, d.accountId);
        if (!account) return null;
        // The reasons left right after this event (the read model may have moved on since).
        const remaining = (await stateBefore(q, d.accountId, event.position + 1)).suspensions;
        return {
          kind: 'reactivation',
          customerId: account.customerId,
          model: {
            ...d,
            account,
            active: remaining.length === 0,
            liftedLabel: REASONS[d.liftedReason],
            remaining: remaining.map((r) => r.note).join(', '),
          },
        };
      }
      case 'AccountClosureNoticeSent': {
        const d = (event as unknown as AccountClosureNoticeSent).data;
        const account = await accountOf(q, d.accountId);
        if (!account) return null;
        return {
          kind: 'closure-notice',
          customerId: account.customerId,
          model: {
            ...d,
            account,
            note: REASONS[d.reason],
            ...(await owedOf(q, account.customerId)),
          },
        };
      }
      case 'AccountClosed': {
        const d = (event as unknown as AccountClosed).data;
        const account = await accountOf(q, d.accountId);
        if (!account) return null;
        return {
          kind: 'closure',
          customerId: account.customerId,
          model: { ...d, account, ...(await owedOf(q, account.customerId)) },
        };
      }
      case 'OverageDetected': {
        const d = (event as unknown as OverageDetected).data;
        return {
          kind: 'overage',
          customerId: d.customerId,
          model: {
            ...d,
            resource: { disk: 'espace disque', traffic: 'trafic', mail: 'boîtes mail' }[d.resource],
            description: describeOverage(d.resource, d.measured, d.quota, d.excess),
            estimate: d.estimate.total,
          },
        };
      }
      case 'CooperatorJoined': {
        const d = (event as unknown as CooperatorJoined).data;
        const count = d.shareNumbers.length;
        return {
          kind: 'welcome',
          customerId: d.customerId,
          model: {
            ...d,
            shareCount: count,
            shareNumbers: formatNumberRanges(d.shareNumbers),
            shareAmount: Money.round(Money.of(d.shareNominal).times(String(count))).toString(),
            welcomeUrl: `${this.config.panelUrl}/adherents/${d.customerId}/bienvenue`,
            sharesUrl: `${this.config.panelUrl}/adherents/${d.customerId}/parts`,
          },
        };
      }
      default:
        return null;
    }
  }
}

/** The customer account of each tiers that has one (clients.id_tiers; the first by id). */
async function customersOfTiers(
  q: Queryable,
  tiersIds: readonly string[],
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const ids = tiersIds.filter((id) => /^\d{1,10}$/.test(id)).map(Number);
  for (let i = 0; i < ids.length; i += 500) {
    const part = ids.slice(i, i + 500);
    const rows = await q.query<{ id_client: number | string; id_tiers: number | string }>(
      `SELECT id_client, id_tiers FROM clients WHERE id_tiers IN (${part.map(() => '?').join(', ')}) ORDER BY id_client`,
      part,
    );
    for (const r of rows)
      if (!out.has(String(r.id_tiers))) out.set(String(r.id_tiers), String(r.id_client));
  }
  return out;
}

/** The account as its stream stood before `position`. */
async function stateBefore(q: Queryable, accountId: string, position: number) {
  const history = (await readStream(q, accountStream(accountId)))
    .filter((e) => e.position < position)
    .map((e) => e as unknown as AccountEvent);
  return foldAccount(accountId, history);
}

async function invoiceOf(q: Queryable, invoiceId: string) {
  const [row] = await q.query<{
    number: string;
    issued_on: string;
    total_cents: unknown;
    left_cents: unknown;
  }>(
    `SELECT number, issued_on, total_cents, total_cents - paid_cents - credited_cents AS left_cents
       FROM g2_rm_invoices WHERE invoice_id = ?`,
    [invoiceId],
  );
  const lines = await q.query<{ label: string; total_cents: unknown }>(
    `SELECT label, total_cents FROM g2_rm_invoice_lines WHERE invoice_id = ? ORDER BY line_no`,
    [invoiceId],
  );
  return {
    number: row?.number ?? invoiceId,
    issuedOn: row?.issued_on ?? '',
    total: fromCents(row?.total_cents ?? 0),
    left: fromCents(row?.left_cents ?? 0),
    lines: lines.map((l) => ({ label: l.label, total: fromCents(l.total_cents) })),
  };
}

async function accountOf(q: Queryable, accountId: string) {
  const [row] = await q.query<{ customer_id: string; name: string }>(
    `SELECT customer_id, name FROM g2_rm_accounts WHERE account_id = ?`,
    [accountId],
  );
  if (row && row.customer_id !== '')
    return { accountId, customerId: row.customer_id, name: row.name };
  const legacy = await readLegacyAccount(q, accountId);
  return legacy ? { accountId, customerId: legacy.customerId, name: legacy.name } : null;
}

async function accountNamesOf(q: Queryable, customerId: string): Promise<string[]> {
  return (await readLegacyAccountsOf(q, customerId))
    .filter((a) => a.etat !== 'ferme')
    .map((a) => a.name);
}

async function owedOf(q: Queryable, customerId: string) {
  const owed = (await owedInvoicesByCustomer(q, [customerId])).get(customerId) ?? [];
  const total = Money.sum(owed.map((i) => Money.of(i.left)));
  return { owed, owedTotal: total.isPositive() ? total.toString() : '' };
}
