import { Body, Controller, Get, HttpCode, Param, Post, Query, Render, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { IssueCreditNote } from '../../domain/billing/credit-note.js';
import { DomainError } from '../../domain/shared/errors.js';
import type { CreditNoteDraft } from '../billing/billing-forms.queries.js';
import {
  IssueCreditNoteCommand,
  type IssueCreditNoteResult,
} from '../billing/issue-credit-note.command.js';
import { jsonCommand, str, typedAmount } from './form-input.js';
import { BillingFormsController } from './billing-forms.controller.js';
import { formErrorModel, formKey, submitForMember } from './form-page.js';
import { Staff } from '../auth/access.decorators.js';

interface CreditNoteForm {
  facture: string;
  date_avoir: string;
  motif: string;
  /** 'totale': cancel all that is left; 'lignes': the net amounts typed per line. */
  portee: string;
  /** Net (HT) typed per invoice line id, as typed. */
  lines: Record<string, string>;
  cle: string;
}

/** Credit notes (avoirs) on an invoice: the treasurer's form and the JSON API. */
@Staff()
@Controller()
export class CreditNotesController extends BillingFormsController {
  @Get('/admin/avoirs/nouveau')
  @Render('credit-note-form')
  async form(@Query('facture') invoiceId?: string) {
    const draft = await this.queries.creditNoteDraft(str(invoiceId));
    return this.model(draft, {
      facture: draft.invoice.invoiceId,
      date_avoir: this.clock.today(),
      motif: '',
      portee: 'totale',
      lines: {},
      cle: '',
    });
  }

  @Post('/admin/avoirs')
  async issue(@Body() body: Record<string, unknown>, @Res() res: Response) {
    const draft = await this.queries.creditNoteDraft(str(body?.facture));
    const form: CreditNoteForm = {
      facture: draft.invoice.invoiceId,
      date_avoir: str(body?.date_avoir),
      motif: str(body?.motif),
      portee: str(body?.portee) === 'lignes' ? 'lignes' : 'totale',
      lines: Object.fromEntries(draft.lines.map((l) => [l.lineId, str(body?.[`ht_${l.lineId}`])])),
      cle: str(body?.cle),
    };
    // Only the lines given an amount are credited; the others are left as they are.
    const typed = draft.lines.filter((l) => form.lines[l.lineId]?.trim());
    await submitForMember(res, 'credit-note-form', {
      customerId: draft.customer.customerId,
      cle: form.cle,
      run: (key) => {
        if (form.portee !== 'lignes' && typed.length > 0) {
          // Amounts typed under "whole invoice": cancelling everything is surely not what was meant.
          throw new DomainError(
            'invalid_input',
            'Des montants sont saisis par ligne : choisissez « Certaines lignes » ou videz-les pour annuler toute la facture.',
            'lines',
          );
        }
        const input: IssueCreditNote = {
          invoiceId: form.facture,
          issuedOn: form.date_avoir,
          reason: form.motif,
          lines:
            form.portee === 'lignes'
              ? typed.map((l) => ({
                  lineId: l.lineId,
                  net: typedAmount(form.lines[l.lineId] ?? '', `ht_${l.lineId}`),
                }))
              : undefined,
        };
        return this.commands.execute<IssueCreditNoteCommand, IssueCreditNoteResult>(
          new IssueCreditNoteCommand(input, 'admin', key),
        );
      },
      notice: (result) => ({
        kind: 'avoir',
        numbers: result.number,
        amount: result.total,
        credit: result.toCredit,
      }),
      rerender: async (error) =>
        this.model(
          draft,
          form,
          error,
          typed.map((l) => l.lineId),
        ),
    });
  }

  /** The invoice's lines with what is left to credit on each (line ids for `lines`). */
  @Get('/api/factures/:invoiceId/lignes')
  lines(@Param('invoiceId') invoiceId: string) {
    return this.queries.creditNoteDraft(invoiceId);
  }

  @Post('/api/avoirs')
  @HttpCode(201)
  issueApi(@Body() body: unknown) {
    const { input, key } = jsonCommand(body);
    return this.commands.execute<IssueCreditNoteCommand, IssueCreditNoteResult>(
      new IssueCreditNoteCommand(input as unknown as IssueCreditNote, 'api', key),
    );
  }

  private model(
    draft: CreditNoteDraft,
    form: CreditNoteForm,
    error?: DomainError,
    submitted: string[] = [],
  ) {
    const inputOf = (field: string): string => {
      if (field.startsWith('ht_')) return field;
      const line = /^lines\[(\d+)\]/.exec(field);
      if (line) return `ht_${submitted[Number(line[1])] ?? ''}`;
      if (field === 'lines') return 'lignes';
      if (field === 'issuedOn') return 'date_avoir';
      if (field === 'reason') return 'motif';
      return '';
    };
    const errors = formErrorModel(error, inputOf);
    return {
      title: `Établir un avoir — facture ${draft.invoice.number}`,
      customer: draft.customer,
      invoice: draft.invoice,
      cancelled: draft.invoice.status === 'cancelled',
      lines: draft.lines.map((l) => ({
        ...l,
        value: form.lines[l.lineId] ?? '',
        invalid: errors.errorOn[`ht_${l.lineId}`] === true || errors.errorOn.lignes === true,
      })),
      form: { ...form, cle: formKey(form.cle) },
      byLines: form.portee === 'lignes',
      ...errors,
    };
  }
}
