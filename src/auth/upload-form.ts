import {
  applyDecorators,
  Injectable,
  SetMetadata,
  UseInterceptors,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import type { Request, Response } from 'express';
import { csrfInvalid } from './auth-errors.js';
import { sameSecret } from './password.js';
import { CSRF_FIELD, CSRF_HEADER } from './request-auth.js';

/** Set on an upload route: the guard leaves its CSRF check to CsrfAfterUpload. */
export const CSRF_AFTER_UPLOAD = 'g2:csrf-after-upload';

/**
 * Checks a multipart form's token once the upload interceptor has parsed the form: the form's
 * own `_csrf` field (or the API's header), so the token never rides in the action's URL (where
 * a page answering the POST would show it in the address bar and history).
 */
@Injectable()
export class CsrfAfterUpload implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler) {
    const req = context.switchToHttp().getRequest<Request>();
    const expected = context.switchToHttp().getResponse<Response>().locals.csrfToken as unknown;
    const body = req.body as Record<string, unknown> | undefined;
    const field = body && typeof body === 'object' ? body[CSRF_FIELD] : undefined;
    const provided = req.get(CSRF_HEADER) ?? (typeof field === 'string' ? field : undefined);
    if (typeof expected !== 'string' || !provided || !sameSecret(provided, expected))
      throw csrfInvalid();
    if (body && typeof body === 'object') delete body[CSRF_FIELD];
    return next.handle();
  }
}

/**
 * A route taking one uploaded file as `field`: the parser, then the CSRF check, always together
 * (one decorator, so a route cannot skip the guard's check without this one).
 */
export const UploadForm = (field: string, limits: { fileSize: number }) =>
  applyDecorators(
    SetMetadata(CSRF_AFTER_UPLOAD, true),
    UseInterceptors(FileInterceptor(field, { limits }), CsrfAfterUpload),
  );
