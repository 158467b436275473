import { sql, type Kysely } from 'kysely';
import type { Store } from '../db';
import type { DB, Run } from '../db/schema';
import { ONE } from '../billing/ledger';
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

export interface Sample {
	serverId: string;
	bootTime: number;
	seenAt: number;
}

/** Samples per UPDATE: two parameters each, far below either database's bound. */
const SAMPLES_PER_UPDATE = 500;

/**
 * The common heartbeat — a server's current boot seen again — for many servers at once: one
 * read of each server's latest run and one UPDATE for a whole chunk (a round trip per batch,
 * not per beat, is what PostgreSQL needs). Same rules as recordSampleIn for that case (the
 * latest run has no next run to stop at; lastSeenAt only moves forward). Returns the samples
 * it recorded, with their runs; the others are left to recordSampleIn. `lockInOrder`: take the row locks
 * in id order first (PostgreSQL; SQLite has one writer at a time).
 */
export async function extendLatestRuns(db: Kysely<DB>, samples: readonly Sample[], lockInOrder = false): Promise<Map<Sample, Run>> {
	const recorded = new Map<Sample, Run>();
	if (samples.length === 0) return recorded;
	const newest = db
		.selectFrom('runs')
		.select((eb) => ['server_id', eb.fn.max('billable_from').as('from')])
		.where('server_id', 'in', [...new Set(samples.map((sample) => sample.serverId))])
		.groupBy('server_id');
	const rows = await db
		.selectFrom('runs')
		.innerJoin(newest.as('newest'), (join) =>
			join.onRef('newest.server_id', '=', 'runs.server_id').onRef('newest.from', '=', 'runs.billable_from')
		)
		.selectAll('runs')
		.execute();
	const latest = new Map<string, Run>();
	for (const row of rows) if ((latest.get(row.server_id)?.id ?? -1) < row.id) latest.set(row.server_id, row);
	const moves: [number, number][] = [];
	for (const sample of samples) {
		const run = latest.get(sample.serverId);
		const boot = floorToSecond(sample.bootTime);
		if (!run || Math.abs(run.boot_time - boot) > SAME_BOOT_MS) continue;
		const seen = Math.max(boot, floorToSecond(sample.seenAt));
		if (seen > run.last_seen_at) moves.push([run.id, seen]);
		recorded.set(sample, seen > run.last_seen_at ? { ...run, last_seen_at: seen } : run);
	}
	moves.sort(([a], [b]) => a - b);
	for (let i = 0; i < moves.length; i += SAMPLES_PER_UPDATE) {
		// two batches moving the same runs take their row locks in the same order, so they queue instead of deadlocking (PostgreSQL)
		const ids = moves.slice(i, i + SAMPLES_PER_UPDATE).map(([id]) => id);
		if (lockInOrder) await db.selectFrom('runs').select('id').where('id', 'in', ids).orderBy('id').forUpdate().execute();
		const values = moves.slice(i, i + SAMPLES_PER_UPDATE).map(([id, seen]) => sql`(cast(${id} as bigint), cast(${seen} as bigint))`);
		await sql`update runs set last_seen_at = v.column2 from (values ${sql.join(values)}) as v
			where runs.id = v.column1 and runs.last_seen_at < v.column2`.execute(db);
	}
	return recorded;
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
	return latestRunQuery(store.db, serverId).executeTakeFirst();
}

export function latestRunQuery(db: Kysely<DB>, serverId: string) {
	return db
		.selectFrom('runs')
		.selectAll()
		.where('server_id', '=', serverId)
		.orderBy('last_seen_at', 'desc')
		.orderBy('billable_from', 'desc')
		.limit(ONE);
}

/** A run's place in billing order (by billable_from, then id). */
export interface RunPosition {
	id: number;
	billable_from: number;
}

/** The runs the chain needs: from the run billing stopped in (all when never billed). */
function openRuns(db: Kysely<DB>, serverId: string, anchorRunId: number | null, frontier: number | null) {
	let query = db.selectFrom('runs').where('server_id', '=', serverId);
	if (anchorRunId !== null) {
		query = query.where('billable_from', '>=', (eb) =>
			eb.selectFrom('runs as anchor').select('anchor.billable_from').where('anchor.id', '=', anchorRunId)
		);
	} else if (frontier !== null) {
		query = query.where('last_seen_at', '>', frontier);
	}
	return query;
}

/** Runs the chain needs, in billing order; with `after`, only those after that run. */
export function runsFrom(store: Store, serverId: string, anchorRunId: number | null, frontier: number | null, after?: RunPosition) {
	return runsFromQuery(store.db, serverId, anchorRunId, frontier, after).execute();
}

/** The order runsFrom's rows come in (a batch of them is sorted by it again: batched-reads.ts). */
export const BILLING_ORDER = ['billable_from', 'id'] as const;

export function runsFromQuery(db: Kysely<DB>, serverId: string, anchorRunId: number | null, frontier: number | null, after?: RunPosition) {
	let query = openRuns(db, serverId, anchorRunId, frontier);
	if (after) {
		query = query
			.where('billable_from', '>=', after.billable_from)
			.where((eb) => eb.or([eb('billable_from', '>', after.billable_from), eb('id', '>', after.id)]));
	}
	// only the columns pricing needs: a long history is read row by row
	return query.select(['id', 'billable_from', 'last_seen_at']).orderBy('billable_from').orderBy('id');
}

/** What a run of stored runs adds up to: any write to one of them (a late sample extending it) changes it. */
export interface RunsSummary {
	count: number;
	idSum: number;
	/** the runs' lengths in ms, summed: last_seen_at only ever grows, billable_from never changes */
	lengthSum: number;
}

/** The summary of the runs runsFrom would return up to and including `through`, counted in the database. */
export async function runsSummary(
	store: Store,
	serverId: string,
	anchorRunId: number | null,
	frontier: number | null,
	through: RunPosition
): Promise<RunsSummary> {
	return summaryOf(await runsSummaryQuery(store.db, serverId, anchorRunId, frontier, through).executeTakeFirstOrThrow());
}

export function runsSummaryQuery(
	db: Kysely<DB>,
	serverId: string,
	anchorRunId: number | null,
	frontier: number | null,
	through: RunPosition
) {
	return openRuns(db, serverId, anchorRunId, frontier)
		.where('billable_from', '<=', through.billable_from)
		.where((eb) => eb.or([eb('billable_from', '<', through.billable_from), eb('id', '<=', through.id)]))
		.select((eb) => [
			eb.fn.countAll<number>().as('count'),
			eb.fn.sum<number>('id').as('id_sum'),
			sql<number>`sum(last_seen_at - billable_from)`.as('length_sum')
		]);
}

/** PostgreSQL sums bigints as numeric (a string); both are far below 2^53 here. */
export const summaryOf = (row: {
	count: number | string;
	id_sum: number | string | null;
	length_sum: number | string | null;
}): RunsSummary => ({
	count: Number(row.count),
	idSum: Number(row.id_sum ?? 0),
	lengthSum: Number(row.length_sum ?? 0)
});
