import { randomUUID } from 'node:crypto';
import type { Response } from 'express';
import { DomainError } from '../../domain/shared/errors.js';
import { statusOf } from '../kernel/errors.js';
import { parseIdempotencyKey } from '../kernel/event-store/idempotency.js';
import { memberPageUrl, type MemberNotice } from './member-notice.js';

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
 * Runs `step` of a form; a refusal renders the form again, with the status of the error (422,
 * 404, 409), the message and what was typed, and answers null.
 */
export async function unlessRefused<T>(
  res: Response,
  view: string,
  step: () => Promise<T>,
  rerender: (error: DomainError) => Promise<object>,
): Promise<{ value: T } | null> {
  try {
    return { value: await step() };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    res.status(statusOf(error)).render(view, await rerender(error));
    return null;
  }
}

/** Runs a form's command: on success a 303 to the page `action` returns; on a refusal the form again. */
export async function submitForm(
  res: Response,
  view: string,
  action: () => Promise<string>,
  rerender: (error: DomainError) => Promise<object>,
): Promise<void> {
  const done = await unlessRefused(res, view, action, rerender);
  if (done) res.redirect(303, done.value);
}

/** A staff form whose command ends on the member's page, which confirms what was done. */
export interface MemberCommandForm<R> {
  readonly customerId: string;
  /** The form's idempotency key, as sent. */
  readonly cle: string;
  /** Checks and builds the input, then runs the command with the key. */
  readonly run: (key: string | undefined) => Promise<R>;
  readonly notice: (result: R) => MemberNotice;
  readonly rerender: (error: DomainError) => Promise<object>;
}

/** Runs the form's command: on success a 303 to the member's page and its notice; on a refusal the form again. */
export function submitForMember<R>(
  res: Response,
  view: string,
  form: MemberCommandForm<R>,
): Promise<void> {
  return submitForm(
    res,
    view,
    async () =>
      memberPageUrl(form.customerId, form.notice(await form.run(parseIdempotencyKey(form.cle)))),
    form.rerender,
  );
}
