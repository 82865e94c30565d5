import type { NextFunction, Request, Response } from 'express';

/** Where the bank posts its CGI2 notifications (public, no session, authenticated by the MAC). */
export const CGI2_PATH = '/monetico/cgi2';
/** A notification is a few dozen short fields: anything bigger is refused unread. */
export const CGI2_BODY_LIMIT = 64 * 1024;

/** The body as the CGI2 route gets it: the raw text and its fields in order, or why it was unreadable. */
export type Cgi2Body =
  | { kind: 'cgi2'; raw: string; pairs: [string, string][] }
  | { kind: 'cgi2-unreadable'; reason: string };

/**
 * Reads the notification body itself (before the app's parsers, which then skip it): the raw
 * text is kept for audit, duplicate field names stay visible, and a huge body is cut short.
 */
export function cgi2BodyReader(req: Request, res: Response, next: NextFunction): void {
  if (req.method !== 'POST') return next();
  const type = String(req.headers['content-type'] ?? '');
  const chunks: Buffer[] = [];
  let size = 0;
  let done = false;
  const finish = (body: Cgi2Body) => {
    if (done) return;
    done = true;
    (req as { body?: unknown }).body = body;
    next();
  };
  let tooBig = false;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (tooBig) return;
    if (size > CGI2_BODY_LIMIT) {
      // Stop buffering but read to the end: the app's parsers then skip a finished request.
      tooBig = true;
      chunks.length = 0;
      return;
    }
    chunks.push(chunk);
  });
  req.on('end', () => {
    if (tooBig) {
      finish({
        kind: 'cgi2-unreadable',
        reason: `corps de ${size} octets (au plus ${CGI2_BODY_LIMIT})`,
      });
      return;
    }
    if (!/^application\/x-www-form-urlencoded\b/i.test(type)) {
      finish({
        kind: 'cgi2-unreadable',
        reason: `type de contenu ${JSON.stringify(type.slice(0, 80))} (attendu application/x-www-form-urlencoded)`,
      });
      return;
    }
    const raw = Buffer.concat(chunks).toString('utf8');
    finish({ kind: 'cgi2', raw, pairs: [...new URLSearchParams(raw)] });
  });
  req.on('error', () => finish({ kind: 'cgi2-unreadable', reason: 'corps interrompu' }));
}
