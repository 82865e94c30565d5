import { createHash } from 'node:crypto';
import { DomainError } from '../../../domain/shared/errors.js';
import type { Queryable } from '../database/db.js';

/** The g2_commands key column is VARCHAR(191): the longest key an index holds in utf8mb4. */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 191;

/** A caller's idempotency key: absent (undefined, null, blank) or a string of at most 191 characters. */
export function parseIdempotencyKey(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    throw new DomainError(
      'invalid_input',
      'La clé d’idempotence doit être une chaîne de caractères.',
      'idempotencyKey',
    );
  }
  const key = value.trim();
  if (key === '') return undefined;
  if (key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    throw new DomainError(
      'invalid_input',
      `La clé d’idempotence fait au plus ${MAX_IDEMPOTENCY_KEY_LENGTH} caractères.`,
      'idempotencyKey',
    );
  }
  return key;
}

/** JSON with sorted keys and no undefined members: the same request always gives the same text. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** What a key is bound to: the command type and its request, so a reused key cannot pass for another request. */
export function requestHash(commandType: string, request: unknown): string {
  return createHash('sha256')
    .update(`${commandType}\n${canonicalJson(request)}`)
    .digest('hex');
}

/**
 * The first result recorded under `key`, or null when the key is new. A key already used by
 * another command or another request is a conflict (409), never a silent replay.
 */
export async function previousResult<R>(
  q: Pick<Queryable, 'query'>,
  key: string,
  commandType: string,
  hash: string,
): Promise<R | null> {
  const [row] = await q.query<{ result: string; command_type: string; request_hash: string }>(
    `SELECT result, command_type, request_hash FROM g2_commands WHERE idempotency_key = ?`,
    [key],
  );
  if (!row) return null;
  if (row.command_type !== commandType || row.request_hash !== hash) {
    throw new DomainError(
      'conflict',
      'Cette clé d’idempotence a déjà servi pour une autre demande : utilisez une nouvelle clé.',
      'idempotencyKey',
    );
  }
  return JSON.parse(row.result) as R;
}
