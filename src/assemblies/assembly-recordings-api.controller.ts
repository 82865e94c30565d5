import { Body, Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { DomainError } from '../../domain/shared/errors.js';
import { jsonObject } from '../panel/form-input.js';
import { AdminOnly } from '../auth/access.decorators.js';
import type { AssemblyRecording } from './assembly.commands.js';
import { AssemblyForms } from './assembly-forms.service.js';

/** The JSON routes of the recordings: /api/ag/:id/<operation>. */
const API_OPERATIONS: Readonly<Record<string, AssemblyRecording['action']>> = {
  presences: 'present',
  procurations: 'proxy',
  'votes-correspondance': 'postal',
  retraits: 'withdraw',
  resolutions: 'resolution',
  cloture: 'close',
};

/** Every recording at an assembly as JSON, under /api/ag/:id. */
@AdminOnly()
@Controller()
export class AssemblyRecordingsApiController {
  constructor(@Inject(AssemblyForms) private readonly forms: AssemblyForms) {}

  @Post('/api/ag/:id/resolutions/:resolutionId/votes')
  @HttpCode(201)
  voteApi(
    @Param('id') id: string,
    @Param('resolutionId') resolutionId: string,
    @Body() body: unknown,
  ) {
    return this.forms.recordApi(id, { ...jsonObject(body), resolutionId }, 'vote');
  }

  /** presences, procurations, votes-correspondance, retraits, resolutions, cloture. */
  @Post('/api/ag/:id/:operation')
  @HttpCode(201)
  recordApiRoute(
    @Param('id') id: string,
    @Param('operation') operation: string,
    @Body() body: unknown,
  ) {
    const action = API_OPERATIONS[operation];
    if (!action) throw new DomainError('not_found', 'Opération inconnue.');
    return this.forms.recordApi(id, body ?? {}, action);
  }
}
