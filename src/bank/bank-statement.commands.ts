import type { AccountImportResult } from '../../domain/bank/statement-import.js';

/** Imports a statement file (CFONB 120, OFX, CAMT.053): each movement once, whatever the file. */
export class ImportBankStatementCommand {
  constructor(
    readonly input: { fileName: string; content: Buffer | string },
    readonly actor: string,
  ) {}
}

export interface ImportBankStatementResult {
  /** null when the file brought nothing new (already imported); the first account's else. */
  importId: string | null;
  /** The first account imported (a file may hold several: see `accounts`). */
  account: string;
  format: string;
  fileName: string;
  /** Movements in the file. */
  lines: number;
  imported: number;
  skipped: number;
  /** Each of the cooperative's accounts in the file. */
  accounts: readonly AccountImportResult[];
  /** Accounts of the file that are not the cooperative's: nothing of them was recorded. */
  unknownAccounts: readonly { account: string; lines: number }[];
}

export type MatchTargetInput =
  { kind: 'card_day'; day: string } | { kind: 'deposit_slip'; number: number | string };

/** Confirms one or more matches (a proposal, or the treasurer's own choice). */
export class ConfirmBankMatchesCommand {
  constructor(
    readonly input: { matches: { lineId: string; target: MatchTargetInput }[] },
    readonly actor: string,
    readonly idempotencyKey?: string,
  ) {}
}

export class UndoBankMatchCommand {
  constructor(
    readonly input: { lineId: string; reason?: string },
    readonly actor: string,
    readonly idempotencyKey?: string,
  ) {}
}

/** Books an unmatched line: bank fees, bounce fee, internal transfer, or ignored (§7). */
export class BookBankLineCommand {
  constructor(
    readonly input: { lineId: string; kind: string; on?: string; reason?: string },
    readonly actor: string,
    readonly idempotencyKey?: string,
  ) {}
}

export interface BookBankLineResult {
  bookingId: string;
  lineId: string;
  kind: string;
  on: string;
}

export interface BankMatchResult {
  matched: { matchId: string; lineId: string; difference: string }[];
}
