import { compareDays, parseDay } from '../shared/day.js';
import { DomainError, parseField } from '../shared/errors.js';
import { formatEuros, Money } from '../shared/money.js';
import type { CreditNoteIssued, CreditNoteLine, InvoiceLine } from './events.js';
import { balanceOf, vatPerRate, type InvoiceState } from './invoice.js';

export interface IssueCreditNote {
  invoiceId: string;
  issuedOn: string;
  reason: string;
  /** Net (HT) to credit per invoice line; omitted: cancels everything not yet credited. */
  lines?: { lineId: string; net: string }[];
}

/** What is left of a line after the credit notes issued so far. */
export function remainingNet(invoice: InvoiceState, line: InvoiceLine): Money {
  return Money.of(line.net).minus(invoice.creditedNet.get(line.lineId) ?? Money.ZERO);
}

/** The VAT left on a line: what it was invoiced with, minus what credit notes gave back. */
export function remainingVat(invoice: InvoiceState, line: InvoiceLine): Money {
  return Money.of(line.vat).minus(invoice.creditedVat.get(line.lineId) ?? Money.ZERO);
}

/**
 * The invoice's lines as they stand after its credit notes (what revenue is allocated over),
 * with the VAT the events carry: recomputing it would change the VAT of invoices issued under
 * an earlier rule, or taken in from Gloux with its own `total_tva`.
 */
export function effectiveLines(invoice: InvoiceState): {
  id: string;
  net: string;
  vatRate: string;
  vat: string;
  serviceStart: string;
  serviceEnd: string;
}[] {
  return invoice.lines.map((l) => ({
    id: l.lineId,
    net: remainingNet(invoice, l).toString(),
    vatRate: l.vatRate,
    vat: remainingVat(invoice, l).toString(),
    serviceStart: l.serviceStart,
    serviceEnd: l.serviceEnd,
  }));
}

function invalid(message: string, field?: string): never {
  throw new DomainError('invalid_input', message, field);
}

/**
 * The VAT of each credited line (docs/accounting.md §1). A note that cancels all that remains
 * of the invoice gives back exactly the VAT left on each line, so a full cancellation negates
 * the invoice to the cent whatever rule its VAT was computed under. Any other note is a
 * document with VAT per rate on its own base (cumulative rounding, as on an invoice, and as
 * Gloux computes an avoir's `total_tva`), never taking a line's VAT past zero.
 */
export function creditedVats(
  invoice: InvoiceState,
  wanted: readonly { line: InvoiceLine; net: Money }[],
): Money[] {
  const credited = new Set(wanted.map((w) => w.line.lineId));
  const cancelsAll =
    wanted.every((w) => remainingNet(invoice, w.line).equals(w.net)) &&
    invoice.lines.every(
      (l) =>
        credited.has(l.lineId) ||
        (remainingNet(invoice, l).isZero() && remainingVat(invoice, l).isZero()),
    );
  if (cancelsAll) return wanted.map((w) => remainingVat(invoice, w.line));
  const vats = vatPerRate(wanted.map((w) => ({ net: w.net, vatRate: w.line.vatRate })));
  return wanted.map((w, i) => {
    const vat = vats[i]!;
    const left = remainingVat(invoice, w.line);
    // A cent of cumulative rounding must not take the line's VAT past zero.
    if (vat.isZero()) return vat;
    const sameWay = vat.isNegative() ? left.isNegative() : left.isPositive();
    if (!sameWay) return Money.ZERO;
    const beyond = vat.isNegative() ? vat.compare(left) < 0 : vat.compare(left) > 0;
    return beyond ? left : vat;
  });
}

/**
 * Checks a credit note against the invoice and computes its lines; pure, so it runs before a
 * number is drawn. VAT: see creditedVats.
 */
export function validateCreditNote(
  invoice: InvoiceState,
  cmd: IssueCreditNote,
  ids: { lineId: (index: number) => string },
) {
  if (invoice.status === 'none')
    throw new DomainError('not_found', 'Facture introuvable.', 'invoiceId');
  if (invoice.status === 'cancelled') {
    throw new DomainError(
      'already_cancelled',
      `La facture ${invoice.number} est déjà entièrement annulée par avoir.`,
      'invoiceId',
    );
  }
  const issuedOn = parseField(
    'issuedOn',
    () => parseDay(cmd.issuedOn),
    'La date de l’avoir est invalide (AAAA-MM-JJ).',
  );
  if (compareDays(issuedOn, invoice.issuedOn) < 0) {
    invalid(`Un avoir ne peut pas précéder la facture (${invoice.issuedOn}).`, 'issuedOn');
  }
  const reason = String(cmd.reason ?? '').trim();
  if (reason === '' || reason.length > 255) {
    invalid('Le motif de l’avoir est obligatoire (255 caractères au plus).', 'reason');
  }
  const byId = new Map(invoice.lines.map((l) => [l.lineId, l]));
  let wanted: { line: InvoiceLine; net: Money; at: string }[];
  if (cmd.lines === undefined) {
    wanted = invoice.lines
      .map((line, i) => ({ line, net: remainingNet(invoice, line), at: `lines[${i}]` }))
      .filter((w) => !w.net.isZero());
  } else {
    if (!Array.isArray(cmd.lines) || cmd.lines.length === 0) {
      invalid(
        'Indiquez au moins une ligne à créditer (ou aucune liste pour tout annuler).',
        'lines',
      );
    }
    const seen = new Set<string>();
    wanted = cmd.lines.map((input, i) => {
      const at = `lines[${i}]`;
      const lineId = typeof input?.lineId === 'string' ? input.lineId : '';
      const line = byId.get(lineId);
      if (!line)
        invalid(
          `Ligne ${i + 1} : cette ligne n’est pas sur la facture ${invoice.number}.`,
          `${at}.lineId`,
        );
      if (seen.has(lineId)) invalid(`Ligne ${i + 1} : ligne citée deux fois.`, `${at}.lineId`);
      seen.add(lineId);
      const net = parseField(
        `${at}.net`,
        () => Money.of(input.net),
        `Ligne ${i + 1} : montant HT invalide.`,
      );
      const left = remainingNet(invoice, line);
      // A credit goes the way of its line: positive for a charge, negative for a discount.
      const sameSign = left.isNegative() ? net.isNegative() : net.isPositive();
      if (!sameSign || net.toDecimal().abs().greaterThan(left.toDecimal().abs())) {
        invalid(
          `Ligne ${i + 1} : le montant à créditer doit être compris entre 0 et ${formatEuros(left)} HT (reste de la ligne « ${line.label} »).`,
          `${at}.net`,
        );
      }
      return { line, net, at };
    });
  }
  const vats = creditedVats(invoice, wanted);
  const lines: CreditNoteLine[] = wanted.map((w, i) => {
    const vat = vats[i]!;
    return {
      lineId: ids.lineId(i),
      creditedLineId: w.line.lineId,
      kind: w.line.kind,
      label: w.line.label,
      productId: w.line.productId,
      hostingId: w.line.hostingId,
      net: w.net.toString(),
      vatRate: w.line.vatRate,
      vat: vat.toString(),
      total: w.net.plus(vat).toString(),
      serviceStart: w.line.serviceStart,
      serviceEnd: w.line.serviceEnd,
    };
  });
  const totalNet = Money.sum(lines.map((l) => Money.of(l.net)));
  const totalVat = Money.sum(lines.map((l) => Money.of(l.vat)));
  const total = totalNet.plus(totalVat);
  if (!total.isPositive()) {
    invalid('Un avoir doit diminuer le montant facturé (total TTC positif).', 'lines');
  }
  const left = invoice.total.minus(invoice.credited);
  if (total.compare(left) > 0) {
    invalid(
      `L’avoir (${formatEuros(total)}) dépasse ce qui reste de la facture ${invoice.number} (${formatEuros(left)}).`,
      'lines',
    );
  }
  // What is still due is cancelled first; the rest was paid and becomes the customer's credit.
  const due = balanceOf(invoice);
  const settled = due.isPositive() ? (total.compare(due) < 0 ? total : due) : Money.ZERO;
  return {
    issuedOn,
    reason,
    lines,
    totalNet,
    totalVat,
    total,
    settled,
    toCredit: total.minus(settled),
  };
}

export function decideIssueCreditNote(
  invoice: InvoiceState,
  cmd: IssueCreditNote,
  ctx: {
    creditNoteId: string;
    number: string;
    billingAddress: string;
    lineId: (index: number) => string;
  },
): CreditNoteIssued {
  const v = validateCreditNote(invoice, cmd, ctx);
  return {
    type: 'CreditNoteIssued',
    data: {
      creditNoteId: ctx.creditNoteId,
      number: ctx.number,
      invoiceId: invoice.invoiceId,
      invoiceNumber: invoice.number,
      customerId: invoice.customerId,
      issuedOn: v.issuedOn,
      reason: v.reason,
      billingAddress: ctx.billingAddress,
      lines: v.lines,
      totalNet: v.totalNet.toString(),
      totalVat: v.totalVat.toString(),
      total: v.total.toString(),
      settled: v.settled.toString(),
      toCredit: v.toCredit.toString(),
    },
  };
}
