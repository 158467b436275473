import { sql, type Kysely } from 'kysely';
import type { Store } from '../db';
import type { DB, Run } from '../db/schema';
import { floorToSecond } from './uptime';

/** Two readings of a boot time within this much are the same boot. */
export const SAME_BOOT_MS = 5000;

/**
 * Records that a server was seen up at `seenAt`, booted at `bootTime`. The same boot
 * (within 5 s) moves its run's lastSeenAt forward, never back; a new boot starts a run.
 * Replays and out-of-order samples change nothing they should not.
 */
export function recordSample(store: Store, serverId: string, bootTime: number, seenAt: number): Promise<Run> {
	return recordSampleIn(store.db, serverId, bootTime, seenAt);
}

/** recordSample inside a given connection or transaction (heartbeat batches). */
export async function recordSampleIn(db: Kysely<DB>, serverId: string, bootTime: number, seenAt: number): Promise<Run> {
	const boot = floorToSecond(bootTime);
	const seen = Math.max(boot, floorToSecond(seenAt));
	const existing = await db
		.selectFrom('runs')
		.selectAll()
		.where('server_id', '=', serverId)
		.where('boot_time', '>=', boot - SAME_BOOT_MS)
		.where('boot_time', '<=', boot + SAME_BOOT_MS)
		.orderBy('boot_time', 'desc')
		.limit(1)
		.executeTakeFirst();
	if (existing) {
		if (seen <= existing.last_seen_at) return existing;
		await db.updateTable('runs').set({ last_seen_at: seen }).where('id', '=', existing.id).where('last_seen_at', '<', seen).execute();
		return { ...existing, last_seen_at: seen };
	}
	return db
		.insertInto('runs')
		.values({ server_id: serverId, boot_time: boot, last_seen_at: seen })
		.onConflict((oc) =>
			oc.columns(['server_id', 'boot_time']).doUpdateSet({
				last_seen_at: sql`case when excluded.last_seen_at > runs.last_seen_at then excluded.last_seen_at else runs.last_seen_at end`
			})
		)
		.returningAll()
		.executeTakeFirstOrThrow();
}

/** The server's most recent run, if it was ever seen. */
export function latestRun(store: Store, serverId: string): Promise<Run | undefined> {
	return store.db.selectFrom('runs').selectAll().where('server_id', '=', serverId).orderBy('boot_time', 'desc').limit(1).executeTakeFirst();
}

/** Runs seen after `since` (all when null), oldest boot first: what an open window can bill. */
export function runsSeenAfter(
	store: Store,
	serverId: string,
	since: number | null
): Promise<Pick<Run, 'id' | 'boot_time' | 'last_seen_at'>[]> {
	// only the columns pricing needs: a long history is read row by row
	let query = store.db.selectFrom('runs').select(['id', 'boot_time', 'last_seen_at']).where('server_id', '=', serverId);
	if (since !== null) query = query.where('last_seen_at', '>', since);
	return query.orderBy('boot_time').execute();
}
