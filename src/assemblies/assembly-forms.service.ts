import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Response } from 'express';
import type { ConveneAssembly } from '../../domain/assemblies/assembly.js';
import type { DomainError } from '../../domain/shared/errors.js';
import { parseIdempotencyKey } from '../kernel/event-store/idempotency.js';
import { jsonObject, str } from '../panel/form-input.js';
import { submitForm } from '../panel/form-page.js';
import {
  ConveneAssemblyCommand,
  RecordAtAssemblyCommand,
  type AssemblyRecording,
  type ConveneAssemblyResult,
  type RecordAtAssemblyResult,
} from './assembly.commands.js';
import { backOf, pageUrl } from './assembly-urls.js';
import { AssemblyViews } from './assembly-views.js';

/**
 * The assembly commands as the pages and the JSON send them: each dispatched on the
 * CommandBus, a form answered with a redirect back to where the clerk was, or itself again
 * with the refusal.
 */
@Injectable()
export class AssemblyForms {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(AssemblyViews) private readonly views: AssemblyViews,
  ) {}

  convene(input: ConveneAssembly, actor: string, key: unknown) {
    return this.commands.execute<ConveneAssemblyCommand, ConveneAssemblyResult>(
      new ConveneAssemblyCommand(input, actor, parseIdempotencyKey(key)),
    );
  }

  record(id: string, recording: AssemblyRecording, actor: string, key: unknown) {
    return this.commands.execute<RecordAtAssemblyCommand, RecordAtAssemblyResult>(
      new RecordAtAssemblyCommand(id, recording, actor, parseIdempotencyKey(key)),
    );
  }

  /** A JSON recording: the body is the recording, with its idempotency key beside it. */
  recordApi(id: string, body: unknown, action: AssemblyRecording['action']) {
    const { idempotencyKey, ...input } = jsonObject(body);
    return this.record(id, { ...input, action } as AssemblyRecording, 'api', idempotencyKey);
  }

  /** A recording from the proxy or postal form: back to the list where the clerk was. */
  submitMemberForm(
    res: Response,
    view: string,
    id: string,
    form: { membre: string; q: string; cle: string },
    recording: AssemblyRecording,
    fait: string,
    rerender: (error: DomainError) => Promise<object>,
  ) {
    return submitForm(
      res,
      view,
      async () => {
        await this.record(id, recording, 'admin', form.cle);
        return pageUrl(id, { q: form.q, filtre: '' }, { fait, membre: form.membre }, 'membres');
      },
      rerender,
    );
  }

  /** A recording from the assembly's page: back to the page, or the page again with the error. */
  async submitFromPage(
    res: Response,
    id: string,
    body: Record<string, unknown> | undefined,
    recording: AssemblyRecording,
    done: (r: RecordAtAssemblyResult) => Record<string, string>,
    anchor = 'membres',
  ) {
    const back = backOf(body);
    await submitForm(
      res,
      'assembly',
      async () =>
        pageUrl(id, back, done(await this.record(id, recording, 'admin', body?.cle)), anchor),
      (error) =>
        this.views.page(id, { ...back }, error, {
          membre: str(body?.membre),
          resolution: recording.action === 'vote' ? String(recording.resolutionId) : '',
          typed: body ?? {},
        }),
    );
  }
}
