import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Compares secrets in constant time (digests first, so lengths leak nothing either). */
export function safeEqual(given: string, expected: string): boolean {
	return timingSafeEqual(createHash('sha256').update(given).digest(), createHash('sha256').update(expected).digest());
}

/** A fresh unguessable token: 32 random bytes, URL-safe. */
export const newToken = (prefix = '') => prefix + randomBytes(32).toString('base64url');
