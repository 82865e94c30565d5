import {
  Catch,
  HttpException,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError } from '../../domain/shared/errors.js';
import { AccessError } from '../auth/auth-errors.js';

export function statusOf(error: DomainError): number {
  if (error.code === 'not_found') return 404;
  if (error.code === 'invalid_credentials') return 401;
  if (error.code === 'inactive_user') return 403;
  if (error.code === 'throttled') return 429;
  if (error.code.startsWith('already_') || error.code === 'conflict') return 409;
  return 422;
}

const HTTP_MESSAGES: Record<number, string> = {
  400: 'Requête invalide.',
  404: 'Page introuvable.',
  413: 'Requête trop volumineuse.',
};

/**
 * Every error leaves as a clear answer: structured JSON under /api, a French page elsewhere.
 * Unexpected errors are logged with their stack and shown without internals.
 */
@Catch()
export class ErrorsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    let status = 500;
    let body: { code: string; message: string; field?: string; details?: unknown };
    if (exception instanceof DomainError) {
      status = statusOf(exception);
      body = {
        code: exception.code,
        message: exception.message,
        field: exception.field,
        details: exception.details,
      };
    } else if (exception instanceof AccessError) {
      status = exception.getStatus();
      body = { code: exception.code, message: exception.message };
      // A page asked without a session: to the sign-in form, then back here.
      if (status === 401 && !req.path.startsWith('/api') && !res.headersSent) {
        const next = req.method === 'GET' ? req.originalUrl : '/';
        res.redirect(303, `/connexion?suite=${encodeURIComponent(next)}`);
        return;
      }
    } else if (exception instanceof HttpException) {
      status = exception.getStatus();
      body = {
        code: status === 404 ? 'not_found' : 'bad_request',
        message: HTTP_MESSAGES[status] ?? exception.message,
      };
    } else {
      this.logger.error((exception as Error)?.stack ?? String(exception));
      body = {
        code: 'internal_error',
        message: 'Erreur interne : l’opération n’a pas été enregistrée.',
      };
    }
    if (res.headersSent) return;
    if (req.path.startsWith('/api')) {
      res.status(status).json({ error: body });
    } else {
      res.status(status).render('error', {
        title: status === 403 ? 'Accès refusé' : 'Erreur',
        status,
        message: body.message,
      });
    }
  }
}
