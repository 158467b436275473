import type { Database, Statement } from 'better-sqlite3';

/** Enough for every query shape the app runs; bulk inserts of varying size come and go. */
const CAPACITY = 256;

/**
 * A better-sqlite3 database whose `prepare` reuses statements by SQL text. Kysely's SQLite
 * driver prepares every query anew, which costs more than running the small indexed reads
 * the status page needs. Statements run synchronously, so reuse is safe; one still
 * iterating (a streamed query) is never handed out twice.
 */
export function reuseStatements(database: Database): Pick<Database, 'prepare' | 'close'> {
	const cache = new Map<string, Statement>();
	return {
		prepare(source: string) {
			const cached = cache.get(source);
			if (cached && !cached.busy) return cached;
			const statement = database.prepare(source);
			if (!cached) {
				if (cache.size >= CAPACITY) cache.delete(cache.keys().next().value!);
				cache.set(source, statement);
			}
			return statement;
		},
		close() {
			cache.clear();
			return database.close();
		}
	} as Pick<Database, 'prepare' | 'close'>;
}
