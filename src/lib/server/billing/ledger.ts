import { sql } from 'kysely';
import type { Store } from '../db';
import type { Charge, ChargeStatus } from '../db/schema';

/** Charges that hold their window: a failed or canceled charge releases it. */
export const LIVE_STATUSES: ChargeStatus[] = ['creating', 'pending', 'succeeded'];
export const OPEN_STATUSES: ChargeStatus[] = ['creating', 'pending'];

/** Where the server's unbilled usage starts: the end of its last live charge (null: never billed). */
export async function billedUntil(store: Store, serverId: string): Promise<number | null> {
	// max(period_end), written so the (server_id, period_end) index is walked from the end
	// and stops at the first live charge instead of reading the server's whole history
	const row = await store.db
		.selectFrom('charges')
		.select('period_end')
		.where('server_id', '=', serverId)
		.where('status', 'in', LIVE_STATUSES)
		.orderBy('period_end', 'desc')
		.limit(1)
		.executeTakeFirst();
	return row === undefined ? null : Number(row.period_end);
}

/** The statuses inline, not as parameters, so the partial index `charges_one_open` answers. */
const isOpen = sql<boolean>`status in (${sql.join(OPEN_STATUSES.map((status) => sql.lit(status)))})`;

export function openCharge(store: Store, serverId: string): Promise<Charge | undefined> {
	return store.db.selectFrom('charges').selectAll().where('server_id', '=', serverId).where(isOpen).executeTakeFirst();
}

/** The most recent charge that is no longer open. */
export function lastSettledCharge(store: Store, serverId: string): Promise<Charge | undefined> {
	return store.db
		.selectFrom('charges')
		.selectAll()
		.where('server_id', '=', serverId)
		.where('status', 'not in', OPEN_STATUSES)
		.orderBy('id', 'desc')
		.limit(1)
		.executeTakeFirst();
}

/** What live charges already billed per calendar month, for the monthly cap. */
export async function chargedByMonth(store: Store, serverId: string, months: string[]): Promise<Map<string, bigint>> {
	if (months.length === 0) return new Map();
	const rows = await store.db
		.selectFrom('charge_lines')
		.innerJoin('charges', 'charges.id', 'charge_lines.charge_id')
		.select(['charge_lines.month', (eb) => eb.fn.sum<number>('charge_lines.amount_minor').as('total')])
		.where('charges.server_id', '=', serverId)
		.where('charges.status', 'in', LIVE_STATUSES)
		.where('charge_lines.month', 'in', months)
		.groupBy('charge_lines.month')
		.execute();
	return new Map(rows.map((r) => [r.month, BigInt(r.total)]));
}
