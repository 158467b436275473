import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type Migration } from 'kysely';
import type { Database as DatabaseConfig } from '../config';
import { StoreCaches } from './caches';
import { migrations } from './migrations';
import { reuseStatements } from './statements';
import type { DB } from './schema';

export type Dialect = 'sqlite' | 'postgres';

export interface Store {
	db: Kysely<DB>;
	dialect: Dialect;
	close(): Promise<void>;
	/** what was computed from this database and can be checked cheaply against it (chain checkpoints) */
	readonly caches: StoreCaches;
	/**
	 * A value that changes whenever anything may have been written, so reads can be cached
	 * until it moves: at once for this process's writes, within a millisecond for another
	 * process's (SQLite: `data_version`). Undefined where that cannot be known cheaply
	 * (PostgreSQL: other instances write).
	 */
	version?(): string;
}

/** Opens the database and brings its schema up to date. */
export async function openStore(config: DatabaseConfig): Promise<Store> {
	const where = config.kind === 'postgres' ? 'DATABASE_URL (PostgreSQL)' : config.path;
	let store: Store;
	try {
		store = config.kind === 'postgres' ? await openPostgres(config.url) : openSqlite(config.path);
	} catch (error) {
		throw cannotOpen(where, error);
	}
	try {
		await migrate(store);
	} catch (error) {
		await store.close().catch(() => {});
		throw cannotOpen(where, error);
	}
	return store;
}

/** A start-up failure that says where and why, without the connection string's password. */
function cannotOpen(where: string, error: unknown): Error {
	const why =
		databaseUnavailable(error) ??
		databaseUnavailable((error as { cause?: unknown })?.cause) ??
		(error instanceof Error ? error.message.replace(/postgres(ql)?:\/\/[^\s]*/g, 'postgres://…') : String(error));
	return new Error(`Cannot open the database at ${where}: ${why}`);
}

function openSqlite(path: string): Store {
	if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
	const database = new SQLite(path);
	database.pragma('journal_mode = WAL');
	database.pragma('synchronous = NORMAL');
	database.pragma('busy_timeout = 5000');
	database.pragma('foreign_keys = ON');
	const statements = reuseStatements(database);
	const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: statements }) });
	return { db, dialect: 'sqlite', close: () => db.destroy(), caches: new StoreCaches(), version: statements.version };
}

/** The driver is loaded only for PostgreSQL: a SQLite install never pays for it. */
async function openPostgres(url: string): Promise<Store> {
	const { default: pg } = await import('pg');
	// BIGINT columns hold milliseconds and minor units, all far below 2^53: read them as numbers.
	pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
	const pool = new pg.Pool({ connectionString: url, max: 10 });
	const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
	return { db, dialect: 'postgres', close: () => db.destroy(), caches: new StoreCaches() };
}

async function migrate(store: Store): Promise<void> {
	const all = migrations(store.dialect);
	const migrator = new Migrator({
		db: store.db,
		provider: { getMigrations: async (): Promise<Record<string, Migration>> => all }
	});
	const { error, results } = await migrator.migrateToLatest();
	if (error) {
		const failed = results?.find((r) => r.status === 'Error')?.migrationName;
		throw new Error(`Database migration ${failed ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`);
	}
}

const UNAVAILABLE: Record<string, string> = {
	SQLITE_BUSY: 'busy (locked by another process)',
	SQLITE_LOCKED: 'locked',
	SQLITE_READONLY: 'read-only',
	SQLITE_FULL: 'out of disk space',
	SQLITE_IOERR: 'failing to write to disk',
	SQLITE_CANTOPEN: 'not reachable',
	ECONNREFUSED: 'not reachable',
	ECONNRESET: 'not reachable',
	ETIMEDOUT: 'not reachable',
	'53100': 'out of disk space', // PostgreSQL disk_full
	'53300': 'out of connections', // too_many_connections
	'57P01': 'shutting down', // admin_shutdown
	'25006': 'read-only' // read_only_sql_transaction
};

/** Why the database cannot take this request right now, if that is what went wrong. */
export function databaseUnavailable(error: unknown): string | undefined {
	const code = (error as { code?: unknown })?.code;
	if (typeof code !== 'string') return undefined;
	return (
		UNAVAILABLE[code] ??
		(code.startsWith('SQLITE_IOERR') ? UNAVAILABLE.SQLITE_IOERR : code.startsWith('SQLITE_BUSY') ? UNAVAILABLE.SQLITE_BUSY : undefined)
	);
}

/**
 * A transaction whose failure reports the real cause. SQLite rolls back by itself when a
 * write or the COMMIT hits SQLITE_FULL (and some I/O errors); a ROLLBACK after that fails
 * with "no transaction is active", which must not hide the disk being full.
 */
export async function transaction<T>(store: Store, work: (tx: Kysely<DB>) => Promise<T>): Promise<T> {
	return store.db.connection().execute(async (connection) => {
		await sql`begin`.execute(connection);
		try {
			const result = await work(connection);
			await sql`commit`.execute(connection);
			return result;
		} catch (error) {
			await sql`rollback`.execute(connection).catch(() => {});
			throw error;
		}
	});
}

/** True for a unique-constraint violation in either database. */
export function isUniqueViolation(error: unknown): boolean {
	const e = error as { code?: string };
	return e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || e?.code === '23505';
}
