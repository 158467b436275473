import type { App } from '../app';
import { newToken, sha256 } from './tokens';

export const SESSION_COOKIE = 'sb_session';

/** A live session: the operator's (customerId null) or a customer's (started from an invitation). */
export interface Session {
	customerId: string | null;
}

/** The cookie's rules, the same for the operator and a customer: HttpOnly, SameSite=Strict, Secure over https. */
export const sessionCookieOptions = (https: boolean, expiresAt: number) =>
	({ path: '/', httpOnly: true, sameSite: 'strict', secure: https, expires: new Date(expiresAt) }) as const;

/**
 * Dashboard sessions: the cookie holds a random token, the database only its hash (a
 * leaked database signs nobody in). Every request reads its row (one primary-key lookup)
 * rather than trusting a cache: a sign-out, expiry or revocation on any instance sharing
 * the database takes effect on all of them at once.
 */
export class Sessions {
	constructor(private readonly app: App) {}

	/** A session for the operator, or (customerId) for one customer. */
	async create(customerId: string | null = null): Promise<{ token: string; expiresAt: number }> {
		const token = newToken();
		const now = this.app.clock();
		const expiresAt = now + this.app.config.sessionTtlHours * 3600_000;
		await this.app.store.db
			.insertInto('sessions')
			.values({ id: sha256(token), customer_id: customerId, expires_at: expiresAt, created_at: now })
			.execute();
		return { token, expiresAt };
	}

	/** The session the cookie names, if it is live. */
	async find(token: string | undefined): Promise<Session | undefined> {
		if (!token || token.length > 100) return undefined;
		const row = await this.app.store.db
			.selectFrom('sessions')
			.select(['expires_at', 'customer_id'])
			.where('id', '=', sha256(token))
			.executeTakeFirst();
		return row !== undefined && row.expires_at > this.app.clock() ? { customerId: row.customer_id } : undefined;
	}

	async end(token: string | undefined): Promise<void> {
		if (!token || token.length > 100) return;
		await this.app.store.db.deleteFrom('sessions').where('id', '=', sha256(token)).execute();
	}

	/** Forgets expired sessions (called now and then). */
	async prune(): Promise<void> {
		await this.app.store.db.deleteFrom('sessions').where('expires_at', '<=', this.app.clock()).execute();
	}
}
