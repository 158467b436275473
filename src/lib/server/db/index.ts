import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, type Migration } from 'kysely';
import pg from 'pg';
import type { Database as DatabaseConfig } from '../config';
import { migrations } from './migrations';
import type { DB } from './schema';

export type Dialect = 'sqlite' | 'postgres';

export interface Store {
	db: Kysely<DB>;
	dialect: Dialect;
	close(): Promise<void>;
}

// BIGINT columns hold milliseconds and minor units, all far below 2^53: read them as numbers.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

/** Opens the database and brings its schema up to date. */
export async function openStore(config: DatabaseConfig): Promise<Store> {
	const store = config.kind === 'postgres' ? openPostgres(config.url) : openSqlite(config.path);
	try {
		await migrate(store);
	} catch (error) {
		await store.close();
		throw error;
	}
	return store;
}

function openSqlite(path: string): Store {
	if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
	const database = new SQLite(path);
	database.pragma('journal_mode = WAL');
	database.pragma('synchronous = NORMAL');
	database.pragma('busy_timeout = 5000');
	database.pragma('foreign_keys = ON');
	const db = new Kysely<DB>({ dialect: new SqliteDialect({ database }) });
	return { db, dialect: 'sqlite', close: () => db.destroy() };
}

function openPostgres(url: string): Store {
	const pool = new pg.Pool({ connectionString: url, max: 10 });
	const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
	return { db, dialect: 'postgres', close: () => db.destroy() };
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

/** True for a unique-constraint violation in either database. */
export function isUniqueViolation(error: unknown): boolean {
	const e = error as { code?: string };
	return e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || e?.code === '23505';
}
