import SQLite from 'better-sqlite3';
import pg from 'pg';

/** Runs one statement straight on the app's database (SQLite path or PostgreSQL URL), `$1`-style parameters on both. */
export async function execute(databaseUrl: string, statement: string, params: unknown[] = []): Promise<void> {
	if (databaseUrl.startsWith('postgres')) {
		const client = new pg.Client({ connectionString: databaseUrl });
		await client.connect();
		try {
			await client.query(statement, params);
		} finally {
			await client.end();
		}
		return;
	}
	const db = new SQLite(databaseUrl, { fileMustExist: true });
	try {
		db.prepare(statement.replace(/\$\d+/g, '?')).run(...params);
	} finally {
		db.close();
	}
}
