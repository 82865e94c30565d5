import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { CommandBus } from '@nestjs/cqrs';
import type { CreditNoteIssued, InvoiceIssued } from '../../domain/billing/events.js';
import { invoiceStream } from '../../domain/billing/events.js';
import { DomainError } from '../../domain/shared/errors.js';
import { formatEuros } from '../../domain/shared/money.js';
import { findDocument } from '../../projections/documents/documents.queries.js';
import {
  IssueCreditNoteCommand,
  type IssueCreditNoteResult,
} from '../../src/billing/issue-credit-note.command.js';
import { DocumentsService } from '../../src/documents/documents.service.js';
import { readStream } from '../../src/kernel/event-store/event-store.js';
import { AppHarness, yearLine } from '../support/app-harness.js';
import { createTestDatabase, dialects, type TestDatabase } from '../support/databases.js';
import { pdfLines, pdfText } from '../support/pdf-text.js';

jest.setTimeout(60_000);

/** How a PDF's text shows an amount once whitespace is collapsed. */
const amountText = (amount: string) => formatEuros(amount).replace(/\s/g, ' ');

describe.each(dialects)('invoices and credit notes as documents on %s', (dialect) => {
  let database: TestDatabase;
  let app: AppHarness;
  let documents: DocumentsService;
  let invoiceId = '';
  let issued: InvoiceIssued;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    app = await AppHarness.start(database);
    documents = app.context.get(DocumentsService);
    const result = await app.issue({
      customerId: '1',
      issuedOn: '2026-02-03',
      lines: [
        yearLine('Plaque de base', '20.07', '2026-02-03', '2027-02-02'),
        {
          ...yearLine('Base MySQL supplémentaire', '5.02', '2026-02-03', '2027-02-02'),
          quantity: '1',
        },
        yearLine('Nom de domaine', '10.00', '2026-02-03', '2026-02-03', '5.5'),
      ],
    });
    invoiceId = result.invoiceId;
    const [event] = await app.db.run((q) => readStream(q, invoiceStream(invoiceId)));
    issued = event as unknown as InvoiceIssued;
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('builds the invoice from its stream, with the totals of the event', async () => {
    const doc = await documents.invoice(invoiceId);
    expect(doc).toMatchObject({
      kind: 'invoice',
      number: issued.data.number,
      issuedOn: '2026-02-03',
      dueOn: issued.data.dueOn,
      totalNet: issued.data.totalNet,
      totalVat: issued.data.totalVat,
      total: issued.data.total,
    });
    // The snapshot taken from Gloux's tiers (latin1 there), accents intact.
    expect(doc.billingAddress[0]).toBe('Anne Lefèvre');
    expect(doc.vatByRate).toEqual([
      { vatRate: '5.5', net: '10.00', vat: '0.55', total: '10.55' },
      { vatRate: '20', net: '25.09', vat: '5.02', total: '30.11' },
    ]);
    expect(await app.db.run((q) => findDocument(q, 'invoice', invoiceId))).toEqual({
      documentId: invoiceId,
      kind: 'invoice',
      number: issued.data.number,
      invoiceId,
      customerId: '1',
      issuedOn: '2026-02-03',
    });
  });

  it('renders a PDF whose text carries the number, the figures and the mandatory mentions', async () => {
    const doc = await documents.invoice(invoiceId);
    const pdf = await documents.pdf(doc);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = pdfText(pdf);
    for (const expected of [
      'FACTURE',
      issued.data.number,
      'Ouvaton',
      'SA coopérative à capital variable',
      'Anne Lefèvre',
      '03/02/2026',
      'du 03/02/2026 au 02/02/2027',
      'Base MySQL supplémentaire',
      `Total HT ${amountText(issued.data.totalNet)}`,
      `Total TVA ${amountText(issued.data.totalVat)}`,
      `Total TTC ${amountText(issued.data.total)}`,
      `5,5 % ${amountText('10.00')} ${amountText('0.55')} ${amountText('10.55')}`,
      'indemnité forfaitaire pour frais de recouvrement de 40 €',
    ]) {
      expect(text).toContain(expected);
    }
  });

  it('shows the customer number, the hosting by name, a metered quantity on one line, and "Acquittée" once paid', async () => {
    const metered = await app.issue({
      customerId: '1',
      issuedOn: '2026-02-04',
      lines: [
        {
          ...yearLine('Trafic', '0.49', '2026-01-01', '2026-01-31'),
          kind: 'overage',
          hostingId: '1',
          quantity: '0.4904',
          unitNet: '1.00',
        },
      ],
    });
    const doc = await documents.invoice(metered.invoiceId);
    const before = await documents.printable(doc);
    // Gloux's num_client of the demo customer 1, not its internal id.
    expect(before.facts).toContainEqual({ label: 'Client n°', value: '0403020000017' });
    expect(before.facts).toContainEqual({ label: 'Hébergement', value: 'annelef' });
    expect(before.notes.some((n) => n.startsWith('Acquittée'))).toBe(false);

    const lines = pdfLines(await documents.pdf(doc));
    expect(lines.find((l) => l.startsWith('Trafic'))).toMatch(/^Trafic 0,4904 /);
    expect(lines).toContainEqual(expect.stringContaining('0403020000017'));

    await app.pay({
      customerId: '1',
      method: 'card',
      amount: '0.30',
      receivedOn: '2026-02-05',
      reference: 'CB-1',
      allocations: [{ invoiceId: metered.invoiceId, amount: '0.30' }],
    });
    await app.pay({
      customerId: '1',
      method: 'cheque',
      amount: '0.29',
      receivedOn: '2026-02-09',
      reference: '1000003',
      allocations: [{ invoiceId: metered.invoiceId, amount: '0.29' }],
    });
    const paid = await documents.printable(doc);
    expect(paid.notes[0]).toBe('Acquittée le 09/02/2026 par carte et chèque');
    expect(pdfText(await documents.pdf(doc))).toContain(
      'Acquittée le 09/02/2026 par carte et chèque',
    );
  });

  it('finds a credit note through the documents read model and cites the invoice', async () => {
    const line = issued.data.lines[0]!;
    const credited = await app.context
      .get(CommandBus)
      .execute<IssueCreditNoteCommand, IssueCreditNoteResult>(
        new IssueCreditNoteCommand(
          {
            invoiceId,
            issuedOn: '2026-03-10',
            reason: 'Erreur de tarif',
            lines: [{ lineId: line.lineId, net: line.net }],
          },
          'test',
        ),
      );
    const events = await app.db.run((q) => readStream(q, invoiceStream(invoiceId)));
    const creditNote = events.find((e) => e.type === 'CreditNoteIssued') as unknown as
      CreditNoteIssued | undefined;
    expect(creditNote?.data.creditNoteId).toBe(credited.creditNoteId);
    const doc = await documents.creditNote(credited.creditNoteId);
    expect(doc).toMatchObject({
      kind: 'credit_note',
      number: credited.number,
      creditedInvoice: { invoiceId, number: issued.data.number, issuedOn: '2026-02-03' },
      total: '24.08',
      settlement: { settled: '24.08', toCredit: '0.00' },
    });
    const text = pdfText(await documents.pdf(doc));
    expect(text).toContain(
      `Avoir n° ${credited.number} se rapportant à la facture n° ${issued.data.number} du 03/02/2026`,
    );
    expect(text).toContain('Motif : Erreur de tarif');
    expect(text).toContain(`Total TTC de l’avoir ${amountText('24.08')}`);
    // The invoice's document is unchanged by its credit note.
    expect((await documents.invoice(invoiceId)).total).toBe(issued.data.total);
  });

  it('answers not_found for an unknown id, or an invoice id asked for as a credit note', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    for (const attempt of [
      () => documents.invoice(unknown),
      () => documents.invoice('../etc/passwd'),
      () => documents.creditNote(invoiceId),
      () => documents.creditNote(unknown),
    ]) {
      const error = await attempt().then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).code).toBe('not_found');
    }
  });

  it('rebuilds the documents read model from the log to the same rows', async () => {
    const rows = () => app.db.query(`SELECT * FROM g2_rm_documents ORDER BY document_id`);
    const live = await rows();
    // Two invoices and a credit note.
    expect(live).toHaveLength(3);
    await app.pipeline.rebuild(['documents']);
    expect(await rows()).toEqual(live);
  });
});
