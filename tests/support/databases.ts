import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';

export type DatabaseKind = 'sqlite' | 'postgres';
export const DATABASES: DatabaseKind[] = ['sqlite', 'postgres'];

/** A new, empty database of the given kind: a SQLite file in a temp dir, or a new PostgreSQL database. */
export async function freshDatabase(kind: DatabaseKind): Promise<string> {
	if (kind === 'sqlite') return join(mkdtempSync(join(tmpdir(), 'sb-db-')), 'billing.db');
	const admin = new URL(inject('postgresUrl'));
	const name = `sb_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
	const client = new pg.Client({ connectionString: admin.toString() });
	await client.connect();
	try {
		await client.query(`create database ${name}`);
	} finally {
		await client.end();
	}
	admin.pathname = `/${name}`;
	return admin.toString();
}
