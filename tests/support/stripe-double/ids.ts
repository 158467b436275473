import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function randomString(length: number, alphabet = ALPHABET): string {
	const bytes = randomBytes(length);
	let out = '';
	for (let i = 0; i < length; i++) out += alphabet[bytes[i] % alphabet.length];
	return out;
}

/** Stripe-style id: `pi_3Px…` (prefix, underscore, 24 random characters). */
export const newId = (prefix: string, length = 24) => `${prefix}_${randomString(length)}`;

export const nowSeconds = () => Math.floor(Date.now() / 1000);

/** The id behind an expandable field: the double stores ids, the SDK types allow the expanded object too. */
export function idOf(ref: string | { id?: string } | null | undefined): string | null {
	if (ref === null || ref === undefined) return null;
	return typeof ref === 'string' ? ref : (ref.id ?? null);
}
