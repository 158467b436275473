import { sql, type Kysely } from 'kysely';
import type { Store } from '../db';
import type { Charge, ChargeStatus, DB } from '../db/schema';
import { UNBILLED, type ChainState } from './chain';
import type { BilledMonth } from './pricing';

/** `limit 1` written out: a parameter would hide it from SQLite's planner, which then sorts (many times over in a batch: reads.ts). */
export const ONE = sql.lit(1);

/** Charges that hold their window: a failed or canceled charge releases it. */
export const LIVE_STATUSES: ChargeStatus[] = ['creating', 'pending', 'succeeded'];
export const OPEN_STATUSES: ChargeStatus[] = ['creating', 'pending'];

/** Where the server's billing stopped: the end of its last live charge and the chain state there. */
export interface BilledSoFar {
	/** the end of the last live charge's period; null when never billed */
	periodEnd: number | null;
	/** the live charge that state comes from (null: never billed): a new charge is written only if it is still the newest */
	chargeId: number | null;
	/** a charge from before cumulative billing has no run in its state: the chain restarts at its end */
	state: ChainState;
}

export async function billedSoFar(store: Store, serverId: string): Promise<BilledSoFar> {
	return billedSoFarOf(await billedSoFarQuery(store.db, serverId).executeTakeFirst());
}

export function billedSoFarQuery(db: Kysely<DB>, serverId: string) {
	// a server's charges follow one another, each from the state of the live one before it: the
	// newest live charge that billed the server holds the state (the (server_id, charge_id) index, walked from the end)
	return db
		.selectFrom('charge_servers')
		.innerJoin('charges', 'charges.id', 'charge_servers.charge_id')
		.select([
			'charge_servers.charge_id',
			'charge_servers.period_end',
			'charge_servers.frontier',
			'charge_servers.anchor_run_id',
			'charge_servers.anchor_start'
		])
		.where('charge_servers.server_id', '=', serverId)
		.where('charges.status', 'in', LIVE_STATUSES)
		.orderBy('charge_servers.charge_id', 'desc')
		.limit(ONE);
}

type BilledSoFarRow = Awaited<ReturnType<ReturnType<typeof billedSoFarQuery>['executeTakeFirst']>>;

export function billedSoFarOf(row: BilledSoFarRow): BilledSoFar {
	if (!row) return { periodEnd: null, chargeId: null, state: UNBILLED };
	const frontier = Number(row.frontier);
	const chargeId = Number(row.charge_id);
	if (row.anchor_run_id === null || row.anchor_start === null) {
		return { periodEnd: Number(row.period_end), chargeId, state: { runId: null, runStart: frontier, frontier } };
	}
	return {
		periodEnd: Number(row.period_end),
		chargeId,
		state: { runId: Number(row.anchor_run_id), runStart: Number(row.anchor_start), frontier }
	};
}

/** What live charges billed the server in these months: seconds per rate and money (cumulative pricing, the cap). */
export async function billedMonths(
	store: Store,
	serverId: string,
	months: string[],
	currentRate: string
): Promise<Map<string, BilledMonth>> {
	if (months.length === 0) return new Map();
	return billedMonthsOf(await billedMonthsQuery(store.db, serverId, months).execute(), currentRate);
}

export function billedMonthsQuery(db: Kysely<DB>, serverId: string, months: string[]) {
	return db
		.selectFrom('charge_items')
		.innerJoin('charges', 'charges.id', 'charge_items.charge_id')
		.select([
			'charge_items.month',
			'charge_items.rate',
			(eb) => eb.fn.sum<number>('charge_items.billable_seconds').as('seconds'),
			(eb) => eb.fn.sum<number>('charge_items.amount_minor').as('amount')
		])
		.where('charge_items.server_id', '=', serverId)
		.where('charges.status', 'in', LIVE_STATUSES)
		.where('charge_items.month', 'in', months)
		.groupBy(['charge_items.month', 'charge_items.rate']);
}

type BilledMonthsRow = Awaited<ReturnType<ReturnType<typeof billedMonthsQuery>['execute']>>[number];

export function billedMonthsOf(rows: readonly BilledMonthsRow[], currentRate: string): Map<string, BilledMonth> {
	const billed = new Map<string, { secondsByRate: Map<string, number>; amountMinor: bigint }>();
	for (const row of rows) {
		let month = billed.get(row.month);
		if (!month) billed.set(row.month, (month = { secondsByRate: new Map(), amountMinor: 0n }));
		// lines from before rates were recorded were billed at the rate of their day: counted as today's
		const rate = row.rate ?? currentRate;
		month.secondsByRate.set(rate, (month.secondsByRate.get(rate) ?? 0) + Number(row.seconds));
		month.amountMinor += BigInt(row.amount);
	}
	return billed;
}

/** The statuses inline, not as parameters, so the partial index `charges_one_open` answers. */
const isOpen = sql<boolean>`status in (${sql.join(OPEN_STATUSES.map((status) => sql.lit(status)))})`;

/** The open charge that bills this server: its own, or its customer's. */
export function openCharge(store: Store, serverId: string): Promise<Charge | undefined> {
	return openChargeQuery(store.db, serverId).executeTakeFirst();
}

export function openChargeQuery(db: Kysely<DB>, serverId: string) {
	return db
		.selectFrom('charges')
		.selectAll()
		.where(isOpen)
		.where('id', 'in', (eb) => eb.selectFrom('charge_servers').select('charge_id').where('server_id', '=', serverId))
		.limit(ONE);
}

/** The customer's open charge, if any: one for all its servers, or one of a server's own. */
export function openCustomerCharge(store: Store, customerId: string): Promise<Charge | undefined> {
	return store.db
		.selectFrom('charges')
		.selectAll()
		.where('customer_id', '=', customerId)
		.where(isOpen)
		.orderBy('id', 'desc')
		.limit(1)
		.executeTakeFirst();
}

/** The most recent charge that billed this server and is no longer open. */
export function lastSettledCharge(store: Store, serverId: string): Promise<Charge | undefined> {
	return lastSettledChargeQuery(store.db, serverId).executeTakeFirst();
}

export function lastSettledChargeQuery(db: Kysely<DB>, serverId: string) {
	return db
		.selectFrom('charges')
		.selectAll()
		.where('id', 'in', (eb) => eb.selectFrom('charge_servers').select('charge_id').where('server_id', '=', serverId))
		.where('status', 'not in', OPEN_STATUSES)
		.orderBy('id', 'desc')
		.limit(ONE);
}
