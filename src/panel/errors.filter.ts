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
import { ERROR_CATALOGUE, messageOf, statusOf, type ApiErrorCode } from '../kernel/errors.js';
import type { ErrorLog } from './error-log.js';

/** Express's own refusals (unknown route, bad JSON, body too big) in French. */
const HTTP_MESSAGES: Record<number, string> = {
  400: ERROR_CATALOGUE.bad_request.message,
  404: ERROR_CATALOGUE.not_found.message,
  413: 'Requête trop volumineuse.',
};

/**
 * Every error leaves as a clear answer: structured JSON under /api, a French page elsewhere.
 * Unexpected errors are logged with their stack, kept in the error log (the admin home counts
 * them) and shown without internals.
 */
@Catch()
export class ErrorsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(private readonly errorLog?: ErrorLog) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    let status = 500;
    let body: { code: ApiErrorCode; message: string; field?: string; details?: unknown };
    if (exception instanceof DomainError) {
      status = statusOf(exception);
      body = {
        code: exception.code,
        message: messageOf(exception),
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
      void this.errorLog?.record(req.method, req.originalUrl ?? req.path, exception);
      body = { code: 'internal_error', message: ERROR_CATALOGUE.internal_error.message };
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
