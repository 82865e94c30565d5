import type { Response } from 'express';
import type { DomainError } from '../../domain/shared/errors.js';
import { str } from './form-input.js';
import { submitForm, unlessRefused } from './form-page.js';

/** The input the confirmation page's button adds: only then does an irreversible form act. */
export const CONFIRM_INPUT = 'confirme';

/** What the confirmation page says will happen, and the form it posts again. */
export interface Confirmation {
  /** The question, e.g. « Lancer la facturation ? ». */
  heading: string;
  /** What will happen: counts, amounts, names. */
  facts: readonly string[];
  /** Why it cannot be taken back. */
  warning: string;
  /** Where the confirmed form posts (the same form's action). */
  action: string;
  /** The form's inputs, carried as hidden inputs. */
  fields: Readonly<Record<string, string>>;
  confirmLabel: string;
  /** Where « Ne rien faire » goes back to. */
  cancelHref: string;
}

export const isConfirmed = (body: Record<string, unknown> | undefined): boolean =>
  str(body?.[CONFIRM_INPUT]) === 'oui';

/** Renders the confirmation page (server-side, no script: the button posts the form again). */
export function renderConfirmation(res: Response, c: Confirmation): void {
  res.status(200).render('confirm', {
    title: c.heading,
    ...c,
    fields: Object.entries(c.fields).map(([name, value]) => ({ name, value })),
    confirmInput: CONFIRM_INPUT,
  });
}

/**
 * An irreversible form: posted without the confirmation, the page summarizing what will happen
 * (`confirmation` checks the input first: a refusal shows the form again, as `submitForm` does);
 * posted from that page, the command.
 */
export async function confirmThenSubmit(
  res: Response,
  body: Record<string, unknown> | undefined,
  view: string,
  confirmation: () => Promise<Confirmation>,
  action: () => Promise<string>,
  rerender: (error: DomainError) => Promise<object>,
): Promise<void> {
  if (isConfirmed(body)) return submitForm(res, view, action, rerender);
  const asked = await unlessRefused(res, view, confirmation, rerender);
  if (asked) renderConfirmation(res, asked.value);
}
