import { sql, type Kysely } from 'kysely';
import type { Store } from '../db';
import type { DB, Run } from '../db/schema';
import { floorToSecond } from './uptime';

/** Two readings of a boot time within this much are the same boot. */
export const SAME_BOOT_MS = 5000;

/**
 * Records that a server was seen up at `seenAt`, booted at `bootTime`. The same boot
 * (within 5 s) moves its run's lastSeenAt forward, never back, and never into the next
 * run's time. A new boot starts a run that may bill only after everything already seen of
 * the server (its `billable_from`): a clock stepped back, a claimed old boot or a replayed
 * beat cannot add time that was already counted. Replays and out-of-order samples change
 * nothing they should not.
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
		.select((eb) =>
			eb
				.selectFrom('runs as later')
				.select((e) => e.fn.min('later.billable_from').as('m'))
				.whereRef('later.server_id', '=', 'runs.server_id')
				.whereRef('later.billable_from', '>', 'runs.billable_from')
				.as('next_from')
		)
		.where('server_id', '=', serverId)
		.where('boot_time', '>=', boot - SAME_BOOT_MS)
		.where('boot_time', '<=', boot + SAME_BOOT_MS)
		.orderBy('boot_time', 'desc')
		.limit(1)
		.executeTakeFirst();
	if (existing) {
		const { next_from: nextFrom, ...run } = existing;
		const until = nextFrom == null ? seen : Math.min(seen, Number(nextFrom));
		if (until <= run.last_seen_at) return run;
		await db.updateTable('runs').set({ last_seen_at: until }).where('id', '=', run.id).where('last_seen_at', '<', until).execute();
		return { ...run, last_seen_at: until };
	}
	const latest = await latestSighting(db, serverId);
	const from = latest === undefined ? boot : Math.max(boot, latest);
	return db
		.insertInto('runs')
		.values({ server_id: serverId, boot_time: boot, last_seen_at: seen, billable_from: from })
		.onConflict((oc) =>
			oc.columns(['server_id', 'boot_time']).doUpdateSet({
				last_seen_at: sql`case when excluded.last_seen_at > runs.last_seen_at then excluded.last_seen_at else runs.last_seen_at end`
			})
		)
		.returningAll()
		.executeTakeFirstOrThrow();
}

/** The newest time the server was seen up, over all its runs, whatever their boot times say. */
async function latestSighting(db: Kysely<DB>, serverId: string): Promise<number | undefined> {
	const row = await db
		.selectFrom('runs')
		.select('last_seen_at')
		.where('server_id', '=', serverId)
		.orderBy('last_seen_at', 'desc')
		.limit(1)
		.executeTakeFirst();
	return row === undefined ? undefined : Number(row.last_seen_at);
}

/** The server's most recent run: the one seen last (a clock that stepped back never hides it). */
export function latestRun(store: Store, serverId: string): Promise<Run | undefined> {
	return store.db
		.selectFrom('runs')
		.selectAll()
		.where('server_id', '=', serverId)
		.orderBy('last_seen_at', 'desc')
		.orderBy('billable_from', 'desc')
		.limit(1)
		.executeTakeFirst();
}

/** Runs the chain needs, in billing order: from the run billing stopped in (all when never billed). */
export function runsFrom(store: Store, serverId: string, anchorRunId: number | null, frontier: number | null) {
	let query = store.db.selectFrom('runs').select(['id', 'billable_from', 'last_seen_at']).where('server_id', '=', serverId);
	if (anchorRunId !== null) {
		query = query.where('billable_from', '>=', (eb) =>
			eb.selectFrom('runs as anchor').select('anchor.billable_from').where('anchor.id', '=', anchorRunId)
		);
	} else if (frontier !== null) {
		query = query.where('last_seen_at', '>', frontier);
	}
	// only the columns pricing needs: a long history is read row by row
	return query.orderBy('billable_from').orderBy('id').execute();
}
