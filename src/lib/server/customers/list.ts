import { sql } from 'kysely';
import type { Locale } from '../../format';
import type { App } from '../app';
import type { Store } from '../db';
import { billingStatuses } from '../billing/status';
import { openCustomerCharge } from '../billing/ledger';
import { mapLimited, readConcurrency } from '../db/concurrency';
import { billingCustomer } from './customers';
import { monthToDateByCustomer } from './status';

/** `%`, `_` and the escape itself are literal in a search: LIKE ... ESCAPE '\'. */
export const likePattern = (text: string) => `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * The operator's customers table, a page at a time (by id; pass nextCursor back as cursor):
 * per customer its servers, what they owe unbilled (each server's status, summed), the
 * month-to-date estimate, the open charge, the last payment and the charges flagged for review.
 * The counts come from three grouped queries for the page; the figures from each server's status.
 */
export async function listCustomers(app: App, query: { cursor?: string; limit: number; search?: string }, locale: Locale) {
	const { store, config } = app;
	let rows = store.db
		.selectFrom('customers')
		.selectAll()
		.orderBy('id')
		.limit(query.limit + 1);
	if (query.cursor !== undefined) rows = rows.where('id', '>', query.cursor);
	if (query.search) {
		const pattern = likePattern(query.search);
		rows = rows.where((eb) =>
			eb.or([
				eb(sql`lower(id)`, 'like', sql`${pattern} escape '\\'`),
				eb(sql`lower(coalesce(name, ''))`, 'like', sql`${pattern} escape '\\'`),
				eb(sql`lower(coalesce(email, ''))`, 'like', sql`${pattern} escape '\\'`)
			])
		);
	}
	const found = await rows.execute();
	const now = app.clock();
	const page = found.slice(0, query.limit);
	const ids = page.map((c) => c.id);
	const [servers, payments, flagged, links] = ids.length === 0 ? [[], [], [], []] : await pageFacts(store, ids, now);
	const limit = readConcurrency(store);
	// every server's status first (their reads batched), then each customer's month and open charge
	const statuses = await billingStatuses(
		app,
		servers.map((s) => s.id),
		locale
	);
	const amounts = new Map(statuses.map((s) => [s.serverId, s.amountMinor]));
	const months = await monthToDateByCustomer(store, config, servers, now);
	const items = await mapLimited(page, limit, async (row) => {
		const customer = billingCustomer(config, row);
		const own = servers.filter((s) => s.customer_id === row.id);
		const monthMinor = months.get(row.id) ?? 0;
		const open = await openCustomerCharge(store, row.id);
		const paidAt = payments.find((p) => p.customer_id === row.id)?.paid_at;
		return {
			customerId: customer.id,
			name: customer.name,
			email: customer.email,
			locale: customer.locale,
			serverCount: own.length,
			unbilledMinor: own.reduce((sum, s) => sum + amounts.get(s.id)!, 0),
			monthToDateMinor: monthMinor,
			openChargeMinor: open ? open.amount_minor : null,
			openChargeId: open ? open.id : null,
			lastPaymentAt: paidAt == null ? null : new Date(Number(paidAt)).toISOString(),
			flaggedCharges: Number(flagged.find((f) => f.customer_id === row.id)?.n ?? 0),
			/** invitation links sent and not used yet, still working */
			pendingInvitations: Number(links.find((l) => l.customer_id === row.id)?.n ?? 0),
			taxRate: customer.tax.rate
		};
	});
	return { items, nextCursor: found.length > query.limit ? page[page.length - 1].id : null };
}

/** The page's servers, newest succeeded charge, flagged charges and working invitation links per customer: one query each. */
function pageFacts(store: Store, ids: string[], now: number) {
	return Promise.all([
		store.db
			.selectFrom('servers')
			.select(['id', 'customer_id', 'hourly_rate', 'metering_start'])
			.where('customer_id', 'in', ids)
			.orderBy('customer_id')
			.orderBy('name')
			.orderBy('id')
			.execute(),
		store.db
			.selectFrom('charges')
			.select(['customer_id', (eb) => eb.fn.max('updated_at').as('paid_at')])
			.where('customer_id', 'in', ids)
			.where('status', '=', 'succeeded')
			.groupBy('customer_id')
			.execute(),
		store.db
			.selectFrom('charges')
			.select(['customer_id', (eb) => eb.fn.countAll().as('n')])
			.where('customer_id', 'in', ids)
			.where('review_reason', 'is not', null)
			.groupBy('customer_id')
			.execute(),
		store.db
			.selectFrom('invitations')
			.select(['customer_id', (eb) => eb.fn.countAll().as('n')])
			.where('customer_id', 'in', ids)
			.where('used_at', 'is', null)
			.where('expires_at', '>', now)
			.groupBy('customer_id')
			.execute()
	]);
}
