import type { Config } from '../config';
import type { Store } from '../db';
import type { Server } from '../db/schema';
import { Failure } from '../errors';
import { secondsPricer } from '../billing/money';
import { pricingRules } from '../billing/statement';
import { chainRuns } from '../billing/chain';
import { getServer } from './servers';
import { getCustomerRow } from '../customers/customers';
import { bucketCountBound, bucketsOf, MAX_BUCKETS, secondsPerBucket, type BucketSize, type Interval } from './buckets';

/**
 * A server's metered time inside [from, to): each run's billable stretch (from where it may
 * start — its boot, or the server's latest sighting when it was first seen — and never before
 * the metering start, to its last sighting or the next run's start) cut to the range. Sorted,
 * never overlapping: the same stretches the chain bills (billing/chain.ts chainRuns).
 */
export async function meteredIntervals(
	store: Store,
	serverId: string,
	from: number,
	to: number,
	meteringStart?: number | null
): Promise<Interval[]> {
	const runs = await runsIn(store, [serverId], from, to);
	return intervalsOf(runs, from, to, meteringStart);
}

/** The runs of these servers that can reach into [from, to), in each server's order (one query for them all). */
function runsIn(store: Store, serverIds: string[], from: number, to: number) {
	// a run seen before `from` cannot reach into the range, nor one starting after `to`
	return store.db
		.selectFrom('runs')
		.select(['id', 'server_id', 'billable_from', 'last_seen_at'])
		.where('server_id', 'in', serverIds)
		.where('last_seen_at', '>', from)
		.where('billable_from', '<', to)
		.orderBy('server_id')
		.orderBy('billable_from')
		.orderBy('id')
		.execute();
}

type StoredRunRow = Awaited<ReturnType<typeof runsIn>>[number];

function intervalsOf(runs: readonly StoredRunRow[], from: number, to: number, meteringStart: number | null | undefined): Interval[] {
	const intervals: Interval[] = [];
	for (const run of chainRuns(runs, to, meteringStart)) {
		const start = Math.max(run.from, from);
		if (run.until > start) intervals.push({ start, end: run.until });
	}
	return intervals;
}

/** Servers read per query: PostgreSQL and SQLite both take this many parameters comfortably. */
const SERVERS_PER_READ = 500;

export interface UsageBucket {
	start: string;
	end: string;
	seconds: number;
	/** an estimate: seconds × rate, rounded per bucket; charges (minimum, increment, cap) remain the truth */
	amountMinor: number;
}

export interface Usage {
	buckets: UsageBucket[];
	totalSeconds: number;
	totalMinor: number;
	currency: string;
}

/**
 * Metered seconds per calendar bucket (BILLING_TIMEZONE) for some servers, with an estimated
 * amount at each server's rate. Seconds are exact: they add up to the metered seconds of the range.
 */
export async function usageOf(
	store: Store,
	config: Config,
	servers: readonly Pick<Server, 'id' | 'hourly_rate' | 'metering_start'>[],
	range: { from: number; to: number; bucket: BucketSize },
	/** filled with each server's amount over the whole range, when given */
	perServer?: Map<string, bigint>
): Promise<Usage> {
	// whole seconds: runs are stored on whole seconds, so every overlap is too
	const from = Math.floor(range.from / 1000) * 1000;
	const to = Math.floor(range.to / 1000) * 1000;
	if (!(to > from)) throw new Failure('INVALID_INPUT', '`to` must be after `from`');
	if (bucketCountBound(from, to, range.bucket) > MAX_BUCKETS) {
		throw new Failure(
			'INVALID_INPUT',
			`Too many buckets: at most ${MAX_BUCKETS.toLocaleString('en')} (a year by hour); choose a shorter range or a larger bucket`
		);
	}
	const buckets = bucketsOf(from, to, range.bucket, config.timeZone);
	const seconds = new Array<number>(buckets.length).fill(0);
	const amounts = new Array<bigint>(buckets.length).fill(0n);
	for (let at = 0; at < servers.length; at += SERVERS_PER_READ) {
		const some = servers.slice(at, at + SERVERS_PER_READ);
		const runs = new Map<string, StoredRunRow[]>();
		for (const run of await runsIn(
			store,
			some.map((s) => s.id),
			from,
			to
		)) {
			const list = runs.get(run.server_id);
			if (list) list.push(run);
			else runs.set(run.server_id, [run]);
		}
		for (const server of some) {
			const price = secondsPricer(pricingRules(config, server).rateMicros, config.currency);
			const intervals = intervalsOf(runs.get(server.id) ?? [], from, to, server.metering_start);
			let serverMinor = 0n;
			secondsPerBucket(intervals, buckets).forEach((s, i) => {
				const minor = price(s);
				seconds[i] += s;
				amounts[i] += minor;
				serverMinor += minor;
			});
			perServer?.set(server.id, serverMinor);
		}
	}
	const rows = buckets.map((b, i) => ({
		start: new Date(b.start).toISOString(),
		end: new Date(b.end).toISOString(),
		seconds: seconds[i],
		amountMinor: Number(amounts[i])
	}));
	return {
		buckets: rows,
		totalSeconds: seconds.reduce((a, b) => a + b, 0),
		totalMinor: Number(amounts.reduce((a, b) => a + b, 0n)),
		currency: config.currency.code
	};
}

export interface UsageQuery {
	/** one server; else every server of `customerId`; neither: every server */
	serverId?: string;
	customerId?: string;
	from: number;
	to: number;
	bucket: BucketSize;
}

/** Usage of one server, of one customer's servers (summed), or of all of them. */
export async function usage(store: Store, config: Config, query: UsageQuery): Promise<Usage> {
	if (query.serverId !== undefined) return usageOf(store, config, [await getServer(store, query.serverId)], query);
	let servers = store.db.selectFrom('servers').select(['id', 'hourly_rate', 'metering_start']);
	if (query.customerId !== undefined) {
		await getCustomerRow(store, query.customerId); // CUSTOMER_NOT_FOUND rather than an empty answer
		servers = servers.where('customer_id', '=', query.customerId);
	}
	return usageOf(store, config, await servers.orderBy('id').execute(), query);
}
