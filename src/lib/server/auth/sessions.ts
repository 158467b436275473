import type { App } from '../app';
import { newToken, sha256 } from './tokens';

export const SESSION_COOKIE = 'sb_session';

/**
 * Dashboard sessions: the cookie holds a random token, the database only its hash (a
 * leaked database signs nobody in). A small cache spares the database on every request;
 * a miss falls through to it, so sessions work across several instances.
 */
export class Sessions {
	#cache = new Map<string, number>();

	constructor(private readonly app: App) {}

	async create(): Promise<{ token: string; expiresAt: number }> {
		const token = newToken();
		const now = this.app.clock();
		const expiresAt = now + this.app.config.sessionTtlHours * 3600_000;
		await this.app.store.db
			.insertInto('sessions')
			.values({ id: sha256(token), expires_at: expiresAt, created_at: now })
			.execute();
		this.#cache.set(sha256(token), expiresAt);
		return { token, expiresAt };
	}

	async valid(token: string | undefined): Promise<boolean> {
		if (!token || token.length > 100) return false;
		const id = sha256(token);
		const now = this.app.clock();
		let expiresAt = this.#cache.get(id);
		if (expiresAt === undefined) {
			const row = await this.app.store.db.selectFrom('sessions').select('expires_at').where('id', '=', id).executeTakeFirst();
			if (!row) return false;
			expiresAt = row.expires_at;
			if (this.#cache.size > 10_000) this.#cache.clear();
			this.#cache.set(id, expiresAt);
		}
		return expiresAt > now;
	}

	async end(token: string | undefined): Promise<void> {
		if (!token) return;
		const id = sha256(token);
		this.#cache.delete(id);
		await this.app.store.db.deleteFrom('sessions').where('id', '=', id).execute();
	}

	/** Forgets expired sessions (called now and then). */
	async prune(): Promise<void> {
		await this.app.store.db.deleteFrom('sessions').where('expires_at', '<=', this.app.clock()).execute();
	}
}
