import { currency } from '../billing/currency';
import { minorToMajor } from '../billing/money';
import type { Store } from '../db';

export const CHARGE_COLUMNS = [
	'id',
	'server',
	'kind',
	'status',
	'period_start',
	'period_end',
	'amount_minor',
	'amount',
	'currency',
	'stripe_id',
	'created_at',
	'customer',
	'net_minor',
	'tax_minor'
] as const;

/** Whose charges: one server's (its own and its customer's charges that billed it), one customer's, or every charge. */
export type ChargeScope = { serverId: string } | { customerId: string } | 'all';

const BATCH = 1000;
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Charges newest first (as the charges API pages them), in a scope, read in batches by id.
 * Not one long `.stream()`: on SQLite that would hold the app's only connection for as long
 * as a slow client takes to download. A charge for every server of a customer has no server
 * (`server` is empty); its `customer` says whose it is. Older charges' net is their amount.
 */
export async function* chargeRows(store: Store, scope: ChargeScope): AsyncGenerator<Record<(typeof CHARGE_COLUMNS)[number], unknown>[]> {
	let before = Number.MAX_SAFE_INTEGER;
	for (;;) {
		let query = store.db
			.selectFrom('charges')
			.select([
				'id',
				'server_id',
				'customer_id',
				'kind',
				'status',
				'period_start',
				'period_end',
				'amount_minor',
				'net_minor',
				'tax_minor',
				'currency',
				'stripe_id',
				'created_at'
			])
			.where('id', '<', before);
		if (scope !== 'all' && 'customerId' in scope) query = query.where('customer_id', '=', scope.customerId);
		if (scope !== 'all' && 'serverId' in scope) {
			const { serverId } = scope;
			query = query.where((eb) =>
				eb.or([
					eb('server_id', '=', serverId),
					eb('id', 'in', eb.selectFrom('charge_servers').select('charge_id').where('charge_servers.server_id', '=', serverId))
				])
			);
		}
		const rows = await query.orderBy('id', 'desc').limit(BATCH).execute();
		if (rows.length === 0) return;
		yield rows.map((c) => ({
			id: c.id,
			server: c.server_id ?? '',
			kind: c.kind,
			status: c.status,
			period_start: iso(c.period_start),
			period_end: iso(c.period_end),
			amount_minor: c.amount_minor,
			amount: minorToMajor(c.amount_minor, currency(c.currency)),
			currency: c.currency,
			stripe_id: c.stripe_id ?? '',
			created_at: iso(c.created_at),
			customer: c.customer_id,
			net_minor: c.net_minor ?? c.amount_minor,
			tax_minor: c.tax_minor
		}));
		if (rows.length < BATCH) return;
		before = rows[rows.length - 1].id;
	}
}
