// Small crypto helpers over node:crypto: random tokens, hashes, authenticated encryption of secrets
// at rest (API key secrets must be recoverable to verify HMAC signatures, so they are encrypted, not hashed).
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** A URL-safe random token with the given number of random bytes. */
export const randomToken = (bytes = 32): string => randomBytes(bytes).toString('base64url');

/** Hex SHA-256 of a string or buffer. */
export const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

/** Hex HMAC-SHA256. */
export const hmacSha256 = (key: string | Buffer, data: string): string => createHmac('sha256', key).update(data).digest('hex');

/** Constant-time comparison of two strings. */
export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

function keyFrom(secret: string, purpose: string): Buffer {
  return createHash('sha256').update(`${purpose}\0${secret}`).digest();
}

/** AES-256-GCM encryption under a key derived from the instance secret; output is base64url(iv|tag|ciphertext). */
export function encrypt(secret: string, plaintext: string, purpose = 'at-rest'): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', keyFrom(secret, purpose), iv);
  const body = Buffer.concat([c.update(plaintext, 'utf8'), c.final()]);
  return Buffer.concat([iv, c.getAuthTag(), body]).toString('base64url');
}

/** Reverses encrypt(); throws when the data was tampered with. */
export function decrypt(secret: string, blob: string, purpose = 'at-rest'): string {
  const raw = Buffer.from(blob, 'base64url');
  const d = createDecipheriv('aes-256-gcm', keyFrom(secret, purpose), raw.subarray(0, 12));
  d.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString('utf8');
}
