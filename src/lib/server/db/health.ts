import { accessSync, constants, statSync } from 'node:fs';
import { sql } from 'kysely';
import type { Database } from '../config';
import type { Store } from '.';

/**
 * Whether the database still takes writes, for /healthz. SQLite keeps writing to the file it
 * opened even after that file was deleted or replaced — unnoticed until the next start finds
 * an empty ledger — so the path must still name the same file (inode), be writable, and give
 * the write lock for a moment. PostgreSQL answers a query or does not.
 */
export class DatabaseHealth {
	readonly #inode: number | undefined;

	constructor(
		private readonly store: Store,
		private readonly database: Database
	) {
		this.#inode = this.#file() ? statSync(this.#file()!).ino : undefined;
	}

	/** What is wrong, in a few words safe to show anyone; undefined when healthy. */
	async problem(): Promise<string | undefined> {
		const path = this.#file();
		if (path) {
			let inode: number;
			try {
				inode = statSync(path).ino;
				accessSync(path, constants.W_OK);
			} catch {
				return 'database file missing or not writable';
			}
			if (inode !== this.#inode) return 'database file replaced since start-up';
		}
		try {
			if (this.store.dialect === 'sqlite') {
				await this.store.db.connection().execute(async (connection) => {
					await sql`begin immediate`.execute(connection);
					await sql`rollback`.execute(connection);
				});
			} else await sql`select 1`.execute(this.store.db);
		} catch {
			return 'database unavailable';
		}
		return undefined;
	}

	#file(): string | undefined {
		return this.database.kind === 'sqlite' && this.database.path !== ':memory:' ? this.database.path : undefined;
	}
}
