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
	'created_at'
] as const;

const BATCH = 1000;
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Charges newest first (as the charges API pages them), one server's or all, read in
 * batches by id. Not one long `.stream()`: on SQLite that would hold the app's only
 * connection for as long as a slow client takes to download.
 */
export async function* chargeRows(store: Store, serverId?: string): AsyncGenerator<Record<(typeof CHARGE_COLUMNS)[number], unknown>[]> {
	let before = Number.MAX_SAFE_INTEGER;
	for (;;) {
		let query = store.db
			.selectFrom('charges')
			.select(['id', 'server_id', 'kind', 'status', 'period_start', 'period_end', 'amount_minor', 'currency', 'stripe_id', 'created_at'])
			.where('id', '<', before);
		if (serverId !== undefined) query = query.where('server_id', '=', serverId);
		const rows = await query.orderBy('id', 'desc').limit(BATCH).execute();
		if (rows.length === 0) return;
		yield rows.map((c) => ({
			id: c.id,
			server: c.server_id,
			kind: c.kind,
			status: c.status,
			period_start: iso(c.period_start),
			period_end: iso(c.period_end),
			amount_minor: c.amount_minor,
			amount: minorToMajor(c.amount_minor, currency(c.currency)),
			currency: c.currency,
			stripe_id: c.stripe_id ?? '',
			created_at: iso(c.created_at)
		}));
		if (rows.length < BATCH) return;
		before = rows[rows.length - 1].id;
	}
}
