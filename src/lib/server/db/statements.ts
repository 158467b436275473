import type { Database, Statement } from 'better-sqlite3';

/** Enough for every query shape the app runs; bulk inserts of varying size come and go. */
const CAPACITY = 256;
const FOREIGN_CHECK_MS = 1;

export interface ReusingDatabase extends Pick<Database, 'prepare' | 'close'> {
	/** changes whenever this connection wrote or another connection committed (see Store.version) */
	version(): string;
}

/**
 * A better-sqlite3 database whose `prepare` reuses statements by SQL text. Kysely's SQLite
 * driver prepares every query anew, which costs more than running the small indexed reads
 * the status page needs. Statements run synchronously, so reuse is safe; one still
 * iterating (a streamed query) is never handed out twice.
 */
export function reuseStatements(database: Database): ReusingDatabase {
	const cache = new Map<string, Statement>();
	// SQLite's data_version moves when *another* connection commits; our own writes we count
	// as they are handed out (Kysely runs a statement right after preparing it). Reading
	// data_version takes a file lock (a few µs), so it is read at most once a millisecond:
	// another process's commit is seen within 1 ms, this process's own writes at once.
	const dataVersion = database.prepare('pragma data_version').pluck();
	let writes = 0;
	let foreign = 0;
	let checkedAt = -Infinity;
	return {
		prepare(source: string) {
			let statement = cache.get(source);
			if (!statement || statement.busy) {
				statement = database.prepare(source);
				if (!cache.has(source)) {
					if (cache.size >= CAPACITY) cache.delete(cache.keys().next().value!);
					cache.set(source, statement);
				}
			}
			if (!statement.readonly) writes++;
			return statement;
		},
		version() {
			const now = performance.now();
			if (now - checkedAt >= FOREIGN_CHECK_MS) {
				foreign = dataVersion.get() as number;
				checkedAt = now;
			}
			return `${foreign}:${writes}`;
		},
		close() {
			cache.clear();
			return database.close();
		}
	} as ReusingDatabase;
}
