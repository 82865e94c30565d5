import { Body, Controller, Get, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Request, Response } from 'express';
import type { FieldError } from '../../domain/accounts/sign-up.js';
import { DomainError } from '../../domain/shared/errors.js';
import { formKey } from '../panel/form-page.js';
import { statusOf } from '../kernel/errors.js';
import { Member, Public } from './access.decorators.js';
import { AUTH_CONFIG, type AuthConfig } from '../kernel/config.js';
import { AuthService } from './auth.service.js';
import { authOf, clientOf, setSessionCookie } from './request-auth.js';
import { SignUpCommand, type SignUpResult } from './sign-up.command.js';
import { SignUpPages } from './sign-up-pages.js';

/** The form's French field names → the sign-up's fields. */
const FIELDS: Record<string, string> = {
  type: 'kind',
  prenom: 'firstName',
  nom: 'lastName',
  raison_sociale: 'company',
  email: 'email',
  adresse: 'address',
  code_postal: 'postalCode',
  ville: 'city',
  identifiant: 'login',
  mot_de_passe: 'password',
  confirmation: 'passwordConfirmation',
  hebergement: 'hostingName',
  formule: 'planId',
  parts: 'shares',
  cgv: 'acceptsTerms',
  donnees: 'acceptsPrivacy',
};
const INPUT_OF = Object.fromEntries(Object.entries(FIELDS).map(([k, v]) => [v, k]));

function fromForm(body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(FIELDS).map(([input, field]) => [field, body[input]]));
}

/** Every refusal of the form, by input name (one message per input). */
function errorsOf(error: DomainError): { input: string; message: string }[] {
  const listed = (error.details?.errors as FieldError[] | undefined) ?? [
    { field: error.field ?? '', message: error.message },
  ];
  return listed.map((e) => ({ input: INPUT_OF[e.field] ?? '', message: e.message }));
}

/**
 * Joining the cooperative: the plan, the shares, the terms; the account opens at once with a
 * one-month trial, the person is signed in and welcomed.
 */
@Controller()
export class SignUpController {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(SignUpPages) private readonly pages: SignUpPages,
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
  ) {}

  @Public()
  @Get('/inscription')
  async page(@Res() res: Response) {
    const form = await this.pages.form();
    res.render('sign-up', {
      title: 'Devenir coopérateur',
      ...form,
      form: {
        type: 'physique',
        formule: form.plans[0]?.planId ?? '',
        parts: String(form.minShares),
        cle: formKey(undefined),
      },
    });
  }

  @Public()
  @Post('/inscription')
  async submit(@Body() body: Record<string, unknown>, @Req() req: Request, @Res() res: Response) {
    try {
      const r = await this.signUp(fromForm(body), body.cle, req);
      await this.signIn(req, res, r.userId);
      res.redirect(303, `/adherents/${r.customerId}/bienvenue`);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const errors = errorsOf(error);
      const form = {
        ...body,
        mot_de_passe: '',
        confirmation: '',
        cle: formKey(String(body.cle ?? '')),
      };
      res.status(statusOf(error)).render('sign-up', {
        title: 'Devenir coopérateur',
        ...(await this.pages.form()),
        errors,
        errorOn: Object.fromEntries(errors.filter((e) => e.input).map((e) => [e.input, e.message])),
        form,
      });
    }
  }

  @Public()
  @HttpCode(201)
  @Post('/api/inscription')
  async api(@Body() body: Record<string, unknown>, @Req() req: Request, @Res() res: Response) {
    const b = body && typeof body === 'object' ? body : {};
    const r = await this.signUp(b, b.idempotencyKey, req);
    const session = await this.signIn(req, res, r.userId);
    res.status(201).json({ ...r, csrfToken: session.csrfToken });
  }

  /** The welcome page: what was opened and subscribed, the trial's end, the next steps. */
  @Member({ customer: 'customerId' })
  @Get('/adherents/:customerId/bienvenue')
  async welcome(@Param('customerId') customerId: string, @Res() res: Response) {
    const welcome = await this.pages.welcome(customerId);
    res.render('welcome', { title: 'Bienvenue', ...welcome });
  }

  @Member({ customer: 'customerId' })
  @Get('/api/adherents/:customerId/bienvenue')
  welcomeData(@Param('customerId') customerId: string) {
    return this.pages.welcome(customerId);
  }

  private signUp(input: Record<string, unknown>, key: unknown, req: Request) {
    return this.commands.execute<SignUpCommand, SignUpResult>(
      new SignUpCommand(input, key, clientOf(req).ip),
    );
  }

  private async signIn(req: Request, res: Response, userId: string) {
    const current = authOf(req);
    if (current) await this.auth.signOut(current.session);
    const { token, session } = await this.auth.openSession(userId, clientOf(req));
    setSessionCookie(req, res, this.config, token);
    return session;
  }
}
