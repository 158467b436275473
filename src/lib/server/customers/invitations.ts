import { transaction, type Store } from '../db';
import { newToken, sha256 } from '../auth/tokens';
import { getCustomerRow } from './customers';

/** How long an invitation link works. */
export const INVITATION_TTL_MS = 7 * 86_400_000;

export const invitationPath = (token: string) => `/invite/${token}`;

/**
 * A single-use sign-in link for a customer: the token is in the link only, the database keeps
 * its SHA-256 (a leaked database opens no portal).
 */
export async function createInvitation(store: Store, customerId: string, now: number): Promise<{ token: string; expiresAt: number }> {
	await getCustomerRow(store, customerId); // CUSTOMER_NOT_FOUND
	const token = newToken();
	const expiresAt = now + INVITATION_TTL_MS;
	await store.db
		.insertInto('invitations')
		.values({ id: sha256(token), customer_id: customerId, expires_at: expiresAt, used_at: null, created_at: now })
		.execute();
	return { token, expiresAt };
}

export type Redemption = { ok: true; customerId: string } | { ok: false; reason: 'unknown' | 'used' | 'expired' };

/** What newToken makes: 43 URL-safe characters; anything else is looked up as nothing. */
const TOKEN_SHAPE = /^[\w-]{20,100}$/;

/**
 * Uses the invitation up, once: one UPDATE that only an unused, unexpired row passes, so of
 * two opens at the same moment (here or on another instance) exactly one wins. A loser learns
 * why (used, expired, unknown) from a second read.
 */
export async function redeemInvitation(store: Store, token: string, now: number): Promise<Redemption> {
	if (!TOKEN_SHAPE.test(token)) return { ok: false, reason: 'unknown' };
	const id = sha256(token);
	const result = await store.db
		.updateTable('invitations')
		.set({ used_at: now })
		.where('id', '=', id)
		.where('used_at', 'is', null)
		.where('expires_at', '>', now)
		.executeTakeFirst();
	const row = await store.db
		.selectFrom('invitations')
		.select(['customer_id', 'used_at', 'expires_at'])
		.where('id', '=', id)
		.executeTakeFirst();
	if (!row) return { ok: false, reason: 'unknown' };
	if (Number(result.numUpdatedRows) === 1) return { ok: true, customerId: row.customer_id };
	return { ok: false, reason: row.used_at !== null ? 'used' : 'expired' };
}

/** Whether the link would still work, without using it up (a HEAD, a link preview). */
export async function invitationState(store: Store, token: string, now: number): Promise<'valid' | 'unknown' | 'used' | 'expired'> {
	if (!TOKEN_SHAPE.test(token)) return 'unknown';
	const row = await store.db.selectFrom('invitations').select(['used_at', 'expires_at']).where('id', '=', sha256(token)).executeTakeFirst();
	if (!row) return 'unknown';
	return row.used_at !== null ? 'used' : row.expires_at <= now ? 'expired' : 'valid';
}

/**
 * Takes a customer's access away: links not yet used stop working (they answer as expired) and every session started from
 * one ends at once (the next request is not signed in). Their servers, charges and history stay.
 */
export async function revokeAccess(
	store: Store,
	customerId: string,
	now: number
): Promise<{ invitationsRevoked: number; sessionsEnded: number }> {
	await getCustomerRow(store, customerId); // CUSTOMER_NOT_FOUND
	return transaction(store, async (tx) => {
		const links = await tx
			.updateTable('invitations')
			.set({ expires_at: now })
			.where('customer_id', '=', customerId)
			.where('used_at', 'is', null)
			.where('expires_at', '>', now)
			.executeTakeFirst();
		const sessions = await tx.deleteFrom('sessions').where('customer_id', '=', customerId).executeTakeFirst();
		return { invitationsRevoked: Number(links.numUpdatedRows), sessionsEnded: Number(sessions.numDeletedRows) };
	});
}
