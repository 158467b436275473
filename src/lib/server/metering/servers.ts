import type { Store } from '../db';
import type { Kysely } from 'kysely';
import type { DB, Server } from '../db/schema';
import { Failure } from '../errors';

export const LOCAL_SERVER_ID = 'local';

/** Creates or renames this machine's server row (its name follows SERVER_NAME, its metering start METERING_START). */
export async function ensureLocalServer(store: Store, name: string, meteringStart: number | null, now: number): Promise<void> {
	await store.db
		.insertInto('servers')
		.values({
			id: LOCAL_SERVER_ID,
			name,
			is_local: 1,
			hourly_rate: null,
			stripe_customer_id: null,
			agent_token_hash: null,
			created_at: now,
			metering_start: meteringStart
		})
		.onConflict((oc) => oc.column('id').doUpdateSet({ name, metering_start: meteringStart }))
		.execute();
}

export async function getServer(store: Store, id: string): Promise<Server> {
	return foundServer(await serverQuery(store.db, id).executeTakeFirst(), id);
}

export const serverQuery = (db: Kysely<DB>, id: string) => db.selectFrom('servers').selectAll().where('id', '=', id);

export function foundServer(server: Server | undefined, id: string): Server {
	if (!server) throw new Failure('SERVER_NOT_FOUND', `No server with id "${id}"`);
	return server;
}
