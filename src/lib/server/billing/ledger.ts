import type { Store } from '../db';
import type { Charge, ChargeStatus } from '../db/schema';

/** Charges that hold their window: a failed or canceled charge releases it. */
export const LIVE_STATUSES: ChargeStatus[] = ['creating', 'pending', 'succeeded'];
export const OPEN_STATUSES: ChargeStatus[] = ['creating', 'pending'];

/** Where the server's unbilled usage starts: the end of its last live charge (null: never billed). */
export async function billedUntil(store: Store, serverId: string): Promise<number | null> {
	const row = await store.db.selectFrom('charges')
		.select((eb) => eb.fn.max('period_end').as('end'))
		.where('server_id', '=', serverId)
		.where('status', 'in', LIVE_STATUSES)
		.executeTakeFirst();
	return row?.end == null ? null : Number(row.end);
}

export function openCharge(store: Store, serverId: string): Promise<Charge | undefined> {
	return store.db.selectFrom('charges').selectAll()
		.where('server_id', '=', serverId)
		.where('status', 'in', OPEN_STATUSES)
		.executeTakeFirst();
}

/** The most recent charge that is no longer open. */
export function lastSettledCharge(store: Store, serverId: string): Promise<Charge | undefined> {
	return store.db.selectFrom('charges').selectAll()
		.where('server_id', '=', serverId)
		.where('status', 'not in', OPEN_STATUSES)
		.orderBy('id', 'desc').limit(1)
		.executeTakeFirst();
}

/** What live charges already billed per calendar month, for the monthly cap. */
export async function chargedByMonth(store: Store, serverId: string, months: string[]): Promise<Map<string, bigint>> {
	if (months.length === 0) return new Map();
	const rows = await store.db.selectFrom('charge_lines')
		.innerJoin('charges', 'charges.id', 'charge_lines.charge_id')
		.select(['charge_lines.month', (eb) => eb.fn.sum<number>('charge_lines.amount_minor').as('total')])
		.where('charges.server_id', '=', serverId)
		.where('charges.status', 'in', LIVE_STATUSES)
		.where('charge_lines.month', 'in', months)
		.groupBy('charge_lines.month')
		.execute();
	return new Map(rows.map((r) => [r.month, BigInt(r.total)]));
}
