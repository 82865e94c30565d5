import { randomUUID } from 'node:crypto';
import type { Response } from 'express';
import { DomainError } from '../../domain/shared/errors.js';
import { statusOf } from '../kernel/errors.js';

/** What a form page shows of a refused command: the French message and the input to fix. */
export interface FormErrorModel {
  error: { message: string; field?: string } | null;
  errorOn: Record<string, true>;
}

/** `inputOf` maps a domain field ('amount', 'lines[0].net') to the form's input name ('' for none). */
export function formErrorModel(
  error: DomainError | undefined,
  inputOf: (field: string) => string,
): FormErrorModel {
  if (!error) return { error: null, errorOn: {} };
  const input = error.field ? inputOf(error.field) : '';
  return {
    error: { message: error.message, field: error.field },
    errorOn: input ? { [input]: true } : {},
  };
}

/** A fresh idempotency key for a new form; a re-rendered form keeps the one it was sent with. */
export const formKey = (cle: string | undefined): string => cle || randomUUID();

/**
 * Runs a form's command: on success a 303 to the page `action` returns; on a refusal the form
 * again, with the status of the error (422, 404, 409), the message and what was typed.
 */
export async function submitForm(
  res: Response,
  view: string,
  action: () => Promise<string>,
  rerender: (error: DomainError) => Promise<object>,
): Promise<void> {
  let target: string;
  try {
    target = await action();
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    res.status(statusOf(error)).render(view, await rerender(error));
    return;
  }
  res.redirect(303, target);
}
