import type { App } from '../app';
import { newToken, sha256 } from './tokens';

export const SESSION_COOKIE = 'sb_session';

/**
 * Dashboard sessions: the cookie holds a random token, the database only its hash (a
 * leaked database signs nobody in). Every request reads its row (one primary-key lookup)
 * rather than trusting a cache: a sign-out, expiry or revocation on any instance sharing
 * the database takes effect on all of them at once.
 */
export class Sessions {
	constructor(private readonly app: App) {}

	async create(): Promise<{ token: string; expiresAt: number }> {
		const token = newToken();
		const now = this.app.clock();
		const expiresAt = now + this.app.config.sessionTtlHours * 3600_000;
		await this.app.store.db
			.insertInto('sessions')
			.values({ id: sha256(token), expires_at: expiresAt, created_at: now })
			.execute();
		return { token, expiresAt };
	}

	async valid(token: string | undefined): Promise<boolean> {
		if (!token || token.length > 100) return false;
		const row = await this.app.store.db.selectFrom('sessions').select('expires_at').where('id', '=', sha256(token)).executeTakeFirst();
		return row !== undefined && row.expires_at > this.app.clock();
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
