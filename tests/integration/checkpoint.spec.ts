import { sql } from 'kysely';
import { describe, it } from 'vitest';
import { parseDatabaseUrl } from '../../src/lib/server/config';
import { openStore } from '../../src/lib/server/db';
import { freshDatabase } from '../support/databases';
import { checkpointedEqualsFull } from '../support/statement-property';

describe('the chain checkpoint on PostgreSQL', () => {
	it('gives the statement computed from every run, byte for byte, whatever arrives in between', async () => {
		const database = parseDatabaseUrl(await freshDatabase('postgres'));
		// one database, emptied for each history; a new store each time, so no checkpoint outlives its history
		await checkpointedEqualsFull(async () => {
			const store = await openStore(database);
			await sql`truncate runs, charges, servers cascade`.execute(store.db);
			return store;
		}, 40);
	});
});
