import { createHmac, randomBytes } from 'node:crypto';
import { newReference, type HmacSha1 } from '../../domain/monetico/monetico.js';

/** HMAC-SHA1 (the Monetico seal) from Node's crypto, for the pure protocol code. */
export const hmacSha1: HmacSha1 = (key, message) =>
  new Uint8Array(createHmac('sha1', key).update(message).digest());

/** A fresh random payment reference. */
export function randomReference(): string {
  return newReference(new Uint8Array(randomBytes(16)));
}
