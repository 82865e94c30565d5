import { createHash, randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  bankAccountStream,
  BANK_MATCH_STREAM,
  type BankMatchEvent,
  type BankStatementEvent,
} from '../../domain/bank/events.js';
import {
  decideBookBankLine,
  decideConfirmMatches,
  decideUndoMatch,
  evolveMatches,
  initialMatchesState,
  type ConfirmMatch,
  type MatchCandidate,
} from '../../domain/bank/matching.js';
import { accountsOf, decideImportBankStatement } from '../../domain/bank/statement-import.js';
import { badFile } from '../../domain/bank/statements/statement.js';
import { parseStatement } from '../../domain/bank/statements/detect.js';
import { isDay, parisDayOf } from '../../domain/shared/day.js';
import { DomainError } from '../../domain/shared/errors.js';
import { bankLine, cardDays } from '../../projections/bank/bank.queries.js';
import { depositSlip } from '../../projections/bank/deposit-slips.queries.js';
import { Clock } from '../kernel/clock.js';
import type { Queryable } from '../kernel/database/db.js';
import { CommandPipeline } from '../kernel/event-store/command-pipeline.js';
import { BANK_CONFIG, type BankConfig } from '../kernel/config.js';
import { readStream } from '../kernel/event-store/event-store.js';
import {
  BookBankLineCommand,
  ConfirmBankMatchesCommand,
  ImportBankStatementCommand,
  UndoBankMatchCommand,
  type BankMatchResult,
  type BookBankLineResult,
  type ImportBankStatementResult,
  type MatchTargetInput,
} from './bank-statement.commands.js';

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

/** Statement files are UTF-8 (XML) or Latin-1/Windows-1252 (CFONB, OFX 1.x). */
export function decodeStatementFile(content: Buffer | string): string {
  if (typeof content === 'string') return content;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(content);
  } catch {
    return new TextDecoder('windows-1252').decode(content);
  }
}

/**
 * A movement's stable id: its account, its identity within its format and its rank among
 * identical ones of the same file.
 */
export const lineIdOf = (account: string, natural: string, rank: number) =>
  sha256(`${account}\n${natural}\n${rank}`);

@CommandHandler(ImportBankStatementCommand)
export class ImportBankStatementHandler implements ICommandHandler<
  ImportBankStatementCommand,
  ImportBankStatementResult
> {
  constructor(
    @Inject(CommandPipeline) private readonly pipeline: CommandPipeline,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(BANK_CONFIG) private readonly config: BankConfig,
  ) {}

  async execute(command: ImportBankStatementCommand): Promise<ImportBankStatementResult> {
    const fileName = String(command.input?.fileName ?? '').trim() || 'releve';
    const content = command.input?.content;
    if (content === undefined || content === null || content.length === 0)
      throw badFile(null, 'le fichier est vide.');
    if (content.length > 20_000_000)
      throw new DomainError('invalid_file', 'Relevé trop volumineux (20 Mo au plus).', 'file');
    const text = decodeStatementFile(content);
    const statement = parseStatement(text);
    const fileHash = sha256(text);
    return this.pipeline.run<ImportBankStatementResult>({
      commandType: 'ImportBankStatement',
      actor: command.actor,
      request: { fileName, fileHash },
      now: this.clock.now(),
      decide: async (tx, { now }) => {
        const streams = new Map<string, { versions: number; keys: string[] }>();
        const histories = new Map<string, BankStatementEvent[]>();
        for (const [account, parts] of accountsOf(statement)) {
          const keys = [account, ...new Set(parts.flatMap((p) => p.formerKeys))].filter(
            (k, i, all) => all.indexOf(k) === i,
          );
          const history: BankStatementEvent[] = [];
          let versions = 0;
          for (const key of keys) {
            const events = (await readStream(
              tx,
              bankAccountStream(key),
            )) as unknown as BankStatementEvent[];
            if (key === account) versions = events.length;
            history.push(...events);
          }
          streams.set(account, { versions, keys });
          histories.set(account, history);
        }
        const decision = decideImportBankStatement(
          {
            statement,
            fileName,
            fileHash,
            importedOn: parisDayOf(now),
            newId: () => randomUUID(),
            knownAccounts: this.config.accounts,
            lineIdOf,
          },
          histories,
        );
        const imported = decision.accounts.reduce((n, a) => n + a.imported, 0);
        const lines = decision.accounts.reduce((n, a) => n + a.lines, 0);
        const touched = [...new Set(decision.events.map((e) => e.data.account))];
        return {
          appends: touched.map((account) => ({
            streamId: bankAccountStream(account),
            expectedVersion: streams.get(account)!.versions - 1,
            events: decision.events.filter((e) => e.data.account === account),
          })),
          result: {
            importId:
              decision.events.find((e) => e.type === 'BankStatementImported')?.data.importId ??
              null,
            account: decision.accounts[0]!.account,
            format: statement.format,
            fileName,
            lines,
            imported,
            skipped: lines - imported,
            accounts: decision.accounts,
            unknownAccounts: decision.unknownAccounts,
          },
        };
      },
    });
  }
}

async function loadMatches(q: Queryable) {
  const history = await readStream(q, BANK_MATCH_STREAM);
  return {
    state: (history as unknown as BankMatchEvent[]).reduce(evolveMatches, initialMatchesState),
    version: history.length - 1,
  };
}

/** The target a confirmation names, with what it should bring in now. */
export async function candidateOf(q: Queryable, t: MatchTargetInput): Promise<MatchCandidate> {
  if (t?.kind === 'card_day') {
    if (!isDay(t.day)) throw new DomainError('invalid_input', 'Jour de carte invalide.', 'target');
    const [day] = await cardDays(q, t.day, t.day);
    if (!day) throw new DomainError('not_found', `Aucun paiement par carte le ${t.day}.`, 'target');
    return { target: { kind: 'card_day', day: t.day }, on: t.day, expected: day.total };
  }
  if (t?.kind === 'deposit_slip') {
    const slip = await depositSlip(q, Number(t.number));
    if (!slip) throw new DomainError('not_found', 'Bordereau introuvable.', 'target');
    if (slip.status !== 'active')
      throw new DomainError(
        'invalid_input',
        `Le bordereau n° ${slip.number} est annulé.`,
        'target',
      );
    return {
      target: { kind: 'deposit_slip', slipId: slip.slipId, number: slip.number },
      on: slip.depositOn,
      expected: slip.total,
    };
  }
  throw new DomainError('invalid_input', 'Cible de rapprochement inconnue.', 'target');
}

@CommandHandler(ConfirmBankMatchesCommand)
export class ConfirmBankMatchesHandler implements ICommandHandler<
  ConfirmBankMatchesCommand,
  BankMatchResult
> {
  constructor(
    @Inject(CommandPipeline) private readonly pipeline: CommandPipeline,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async execute(command: ConfirmBankMatchesCommand): Promise<BankMatchResult> {
    const requested = Array.isArray(command.input?.matches) ? command.input.matches : [];
    return this.pipeline.run({
      commandType: 'ConfirmBankMatches',
      actor: command.actor,
      idempotencyKey: command.idempotencyKey,
      request: command.input,
      now: this.clock.now(),
      decide: async (tx, { now }) => {
        const matches = await loadMatches(tx);
        const confirmations: ConfirmMatch[] = [];
        for (const m of requested) {
          const line = await bankLine(tx, String(m?.lineId ?? ''));
          if (!line) throw new DomainError('not_found', 'Ligne de relevé introuvable.', 'lineId');
          confirmations.push({ line, candidate: await candidateOf(tx, m.target) });
        }
        const events = decideConfirmMatches(matches.state, confirmations, {
          today: parisDayOf(now),
          newId: () => randomUUID(),
        });
        return {
          appends: [{ streamId: BANK_MATCH_STREAM, expectedVersion: matches.version, events }],
          result: {
            matched: events.map((e) => ({
              matchId: e.data.matchId,
              lineId: e.data.lineId,
              difference: e.data.difference,
            })),
          },
        };
      },
    });
  }
}

@CommandHandler(UndoBankMatchCommand)
export class UndoBankMatchHandler implements ICommandHandler<
  UndoBankMatchCommand,
  { matchId: string; lineId: string }
> {
  constructor(
    @Inject(CommandPipeline) private readonly pipeline: CommandPipeline,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async execute(command: UndoBankMatchCommand) {
    return this.pipeline.run({
      commandType: 'UndoBankMatch',
      actor: command.actor,
      idempotencyKey: command.idempotencyKey,
      request: command.input,
      now: this.clock.now(),
      decide: async (tx, { now }) => {
        const matches = await loadMatches(tx);
        const event = decideUndoMatch(matches.state, command.input, { today: parisDayOf(now) });
        return {
          appends: [
            { streamId: BANK_MATCH_STREAM, expectedVersion: matches.version, events: [event] },
          ],
          result: { matchId: event.data.matchId, lineId: event.data.lineId },
        };
      },
    });
  }
}

@CommandHandler(BookBankLineCommand)
export class BookBankLineHandler implements ICommandHandler<
  BookBankLineCommand,
  BookBankLineResult
> {
  constructor(
    @Inject(CommandPipeline) private readonly pipeline: CommandPipeline,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async execute(command: BookBankLineCommand): Promise<BookBankLineResult> {
    return this.pipeline.run({
      commandType: 'BookBankLine',
      actor: command.actor,
      idempotencyKey: command.idempotencyKey,
      request: command.input,
      now: this.clock.now(),
      decide: async (tx, { now }) => {
        const matches = await loadMatches(tx);
        const line = await bankLine(tx, String(command.input?.lineId ?? ''));
        if (!line) throw new DomainError('not_found', 'Ligne de relevé introuvable.', 'lineId');
        const event = decideBookBankLine(
          matches.state,
          { ...command.input, line },
          {
            today: parisDayOf(now),
            newId: () => randomUUID(),
          },
        );
        return {
          appends: [
            { streamId: BANK_MATCH_STREAM, expectedVersion: matches.version, events: [event] },
          ],
          result: {
            bookingId: event.data.bookingId,
            lineId: event.data.lineId,
            kind: event.data.kind,
            on: event.data.on,
          },
        };
      },
    });
  }
}
