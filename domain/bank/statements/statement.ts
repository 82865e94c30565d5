import { DomainError } from '../../shared/errors.js';
import type { StatementFormat } from '../events.js';

/** A movement read from a statement file, before it gets its stable id. */
export interface ParsedLine {
  readonly bookedOn: string;
  readonly valueOn: string;
  /** Signed two-decimal string: positive is money in. */
  readonly amount: string;
  readonly label: string;
  readonly reference: string;
  /** The bank's own id of the movement (OFX FITID, CAMT AcctSvcrRef…), '' when it gives none. */
  readonly bankId: string;
  /** Where it is in the file (1-based line), for messages. */
  readonly line: number;
}

export interface ParsedStatement {
  readonly format: StatementFormat;
  /** The account as the file names it (IBAN, or bank+branch+account for CFONB). */
  readonly account: string;
  readonly lines: readonly ParsedLine[];
}

/** A statement file that cannot be read: the French message names the line at fault. */
export function badFile(line: number | null, message: string): DomainError {
  return new DomainError(
    'invalid_file',
    line === null
      ? `Relevé illisible : ${message}`
      : `Relevé illisible, ligne ${line} : ${message}`,
    'file',
    line === null ? {} : { line },
  );
}

/** The 1-based line of a character offset. */
export function lineAt(text: string, offset: number): number {
  let n = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}
