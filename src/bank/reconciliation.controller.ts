import { plural } from '../../domain/shared/plural.js';
import { importCounts } from './statement-import-text.js';
import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  Post,
  Query,
  Render,
  Res,
  UploadedFile,
} from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Response } from 'express';
import type { DomainError } from '../../domain/shared/errors.js';
import { parseIdempotencyKey } from '../kernel/event-store/idempotency.js';
import { jsonObject, str } from '../panel/form-input.js';
import { formErrorModel, formKey, submitForm, unlessRefused } from '../panel/form-page.js';
import {
  BookBankLineCommand,
  ConfirmBankMatchesCommand,
  ImportBankStatementCommand,
  UndoBankMatchCommand,
  type BankMatchResult,
  type ImportBankStatementResult,
} from './bank-statement.commands.js';
import { parseTargetInput, ReconciliationService } from './reconciliation.service.js';
import { Staff } from '../auth/access.decorators.js';
import { UploadForm } from '../auth/upload-form.js';

interface UploadedStatement {
  originalname: string;
  buffer: Buffer;
}

const MAX_FILE = 20_000_000;

const list = (v: unknown): string[] =>
  (Array.isArray(v) ? v : v === undefined ? [] : [v]).map(str).filter((s) => s !== '');

/** What a statement import did, said on the page that answers it. */
function importNotice(r: ImportBankStatementResult): string {
  const unknown = r.unknownAccounts.map((u) => `${u.account} (${u.lines})`).join(', ');
  return (
    `Relevé ${r.fileName} importé : ${importCounts(r.imported, r.skipped)}.` +
    (unknown !== ''
      ? ` Comptes qui ne sont pas ceux de la coopérative, rien n’en est importé (nombre de mouvements) : ${unknown}.`
      : '')
  );
}

/** /tresorerie/rapprochement: statement import and matching (page, JSON twins). */
@Staff()
@Controller()
export class ReconciliationController {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(ReconciliationService) private readonly reconciliation: ReconciliationService,
  ) {}

  @Get('/tresorerie/rapprochement')
  @Render('bank-reconciliation')
  page(@Query() query: Record<string, unknown>) {
    return this.model(str(query.du), str(query.au), undefined, this.noticeOf(query));
  }

  @Get('/api/tresorerie/rapprochement')
  data(@Query('du') from?: string, @Query('au') to?: string) {
    return this.reconciliation.view(from, to);
  }

  @Post('/tresorerie/rapprochement/releves')
  @UploadForm('releve', { fileSize: MAX_FILE })
  async importPage(
    @UploadedFile() file: UploadedStatement | undefined,
    @Body() body: Record<string, unknown>,
    @Res() res: Response,
  ) {
    const from = str(body?.du);
    const to = str(body?.au);
    const rerender = (error: DomainError) => this.model(from, to, error, null);
    const done = await unlessRefused(
      res,
      'bank-reconciliation',
      () => this.importFile(file, 'treasurer'),
      rerender,
    );
    // The page itself, not a redirect: what was imported, and the accounts left out, stay out
    // of the URL (history, logs, referrers). Sent again, the same file adds nothing.
    if (done)
      res
        .status(200)
        .render(
          'bank-reconciliation',
          await this.model(from, to, undefined, importNotice(done.value)),
        );
  }

  @Post('/api/tresorerie/releves')
  @HttpCode(201)
  @UploadForm('releve', { fileSize: MAX_FILE })
  importApi(@UploadedFile() file: UploadedStatement | undefined, @Body() body: unknown) {
    if (file) return this.importFile(file, 'api');
    // JSON: {"fileName": "…", "content": "<the file's text>"}
    const b = jsonObject(body);
    return this.commands.execute<ImportBankStatementCommand, ImportBankStatementResult>(
      new ImportBankStatementCommand({ fileName: str(b.fileName), content: str(b.content) }, 'api'),
    );
  }

  @Post('/tresorerie/rapprochement/confirmation')
  confirm(@Body() body: Record<string, unknown>, @Res() res: Response) {
    return this.submit(body, res, async () => {
      // One row's button sends "ligne|cible"; "confirm all exact" sends every exact row's.
      const pairs = list(body?.rapprochement).map((v) => {
        const [lineId = '', target = ''] = v.split('|');
        return { lineId, target: parseTargetInput(target) };
      });
      const r = await this.commands.execute<ConfirmBankMatchesCommand, BankMatchResult>(
        new ConfirmBankMatchesCommand(
          { matches: pairs },
          'treasurer',
          parseIdempotencyKey(str(body?.cle)),
        ),
      );
      return { confirmes: String(r.matched.length) };
    });
  }

  @Post('/tresorerie/rapprochement/annulation')
  undo(@Body() body: Record<string, unknown>, @Res() res: Response) {
    return this.submit(body, res, async () => {
      await this.commands.execute(
        new UndoBankMatchCommand(
          { lineId: str(body?.ligne), reason: str(body?.motif) },
          'treasurer',
        ),
      );
      return { defait: '1' };
    });
  }

  /** An unmatched line booked as bank fees, a bounce fee, an internal transfer, or ignored. */
  @Post('/tresorerie/rapprochement/comptabilisation')
  book(@Body() body: Record<string, unknown>, @Res() res: Response) {
    return this.submit(body, res, async () => {
      await this.commands.execute(
        new BookBankLineCommand(
          {
            lineId: str(body?.ligne),
            kind: str(body?.nature),
            on: str(body?.date),
            reason: str(body?.motif),
          },
          'treasurer',
          parseIdempotencyKey(str(body?.cle)),
        ),
      );
      return { comptabilisee: '1' };
    });
  }

  @Post('/api/tresorerie/rapprochements/comptabilisation')
  @HttpCode(201)
  bookApi(@Body() body: unknown) {
    const b = jsonObject(body);
    return this.commands.execute(
      new BookBankLineCommand(
        { lineId: str(b.lineId), kind: str(b.kind), on: str(b.on), reason: str(b.reason) },
        'api',
        parseIdempotencyKey(b.idempotencyKey),
      ),
    );
  }

  @Post('/api/tresorerie/rapprochements')
  @HttpCode(201)
  confirmApi(@Body() body: unknown) {
    const b = jsonObject(body);
    return this.commands.execute(
      new ConfirmBankMatchesCommand(
        { matches: b.matches as ConfirmBankMatchesCommand['input']['matches'] },
        'api',
        parseIdempotencyKey(b.idempotencyKey),
      ),
    );
  }

  @Post('/api/tresorerie/rapprochements/annulation')
  @HttpCode(201)
  undoApi(@Body() body: unknown) {
    const b = jsonObject(body);
    return this.commands.execute(
      new UndoBankMatchCommand(
        { lineId: str(b.lineId), reason: str(b.reason) },
        'api',
        parseIdempotencyKey(b.idempotencyKey),
      ),
    );
  }

  private importFile(file: UploadedStatement | undefined, actor: string) {
    return this.commands.execute<ImportBankStatementCommand, ImportBankStatementResult>(
      new ImportBankStatementCommand(
        { fileName: file?.originalname ?? '', content: file?.buffer ?? '' },
        actor,
      ),
    );
  }

  /** A matching form: back to the same period with a notice, or the page with the error. */
  private async submit(
    body: Record<string, unknown>,
    res: Response,
    action: () => Promise<Record<string, string>>,
  ) {
    const from = str(body?.du);
    const to = str(body?.au);
    await submitForm(
      res,
      'bank-reconciliation',
      async () => {
        const q = new URLSearchParams({
          ...(from ? { du: from } : {}),
          ...(to ? { au: to } : {}),
          ...(await action()),
        });
        return `/tresorerie/rapprochement?${q.toString()}`;
      },
      (error) => this.model(from, to, error, null),
    );
  }

  private noticeOf(query: Record<string, unknown>): string | null {
    if (str(query.confirmes) !== '')
      return `${plural(str(query.confirmes), 'rapprochement confirmé', 'rapprochements confirmés')}.`;
    if (str(query.defait) !== '') return 'Rapprochement défait.';
    if (str(query.comptabilisee) !== '') return 'Ligne comptabilisée.';
    return null;
  }

  private async model(
    from: string,
    to: string,
    error: DomainError | undefined,
    notice: string | null,
  ) {
    let view;
    try {
      view = await this.reconciliation.view(from, to);
    } catch {
      view = await this.reconciliation.view();
    }
    return {
      title: 'Rapprochement bancaire',
      ...view,
      exact: view.lines.filter((l) => l.status === 'exact'),
      notice,
      cle: formKey(undefined),
      ...formErrorModel(error, () => ''),
    };
  }
}
