import type { Locale } from '../../format';
import type { App } from '../app';
import type { Config } from '../config';
import type { Store } from '../db';
import type { Server } from '../db/schema';
import { billingStatuses, chargeView, type BillingStatus } from '../billing/status';
import { OPEN_STATUSES, openCustomerCharge } from '../billing/ledger';
import { monthOf } from '../billing/months';
import { applyTax } from '../billing/tax';
import { ONLINE_WITHIN_MS } from '../metering/fleet';
import { LOCAL_SERVER_ID } from '../metering/servers';
import { usageOf } from '../metering/usage';
import { getCustomer } from './customers';

type MeteredServer = Pick<Server, 'id' | 'hourly_rate' | 'metering_start'>;

/** The customer's servers, by name: retired ones too (their unbilled time is still owed, their history kept). */
export function customerServers(store: Store, customerId: string): Promise<MeteredServer[]> {
	return store.db
		.selectFrom('servers')
		.select(['id', 'hourly_rate', 'metering_start'])
		.where('customer_id', '=', customerId)
		.orderBy('name')
		.orderBy('id')
		.execute();
}

/** Estimated cost of these servers' metered time this calendar month (BILLING_TIMEZONE), as the dashboard's month card counts it. */
export async function monthToDateMinor(store: Store, config: Config, servers: readonly MeteredServer[], now: number): Promise<number> {
	const month = monthOf(now, config.timeZone);
	if (servers.length === 0 || now - month.start < 1000) return 0;
	return (await usageOf(store, config, servers, { from: month.start, to: now, bucket: 'month' })).totalMinor;
}

/** monthToDateMinor of each server's customer, for many customers at once (their servers' runs read together). */
export async function monthToDateByCustomer(
	store: Store,
	config: Config,
	servers: readonly (MeteredServer & Pick<Server, 'customer_id'>)[],
	now: number
): Promise<Map<string, number>> {
	const month = monthOf(now, config.timeZone);
	const byCustomer = new Map<string, bigint>();
	if (servers.length > 0 && now - month.start >= 1000) {
		const perServer = new Map<string, bigint>();
		await usageOf(store, config, servers, { from: month.start, to: now, bucket: 'month' }, perServer);
		for (const s of servers) byCustomer.set(s.customer_id, (byCustomer.get(s.customer_id) ?? 0n) + perServer.get(s.id)!);
	}
	return new Map([...byCustomer].map(([id, minor]) => [id, Number(minor)]));
}

export const isOnline = (status: Pick<BillingStatus, 'serverId' | 'lastSeenAt'>, now: number) =>
	status.serverId === LOCAL_SERVER_ID || (status.lastSeenAt !== null && now - Date.parse(status.lastSeenAt) <= ONLINE_WITHIN_MS);

/** The newest charge of the customer that is no longer open (paid, failed or canceled). */
function lastCustomerCharge(store: Store, customerId: string) {
	return store.db
		.selectFrom('charges')
		.selectAll()
		.where('customer_id', '=', customerId)
		.where('status', 'not in', OPEN_STATUSES)
		.orderBy('id', 'desc')
		.limit(1)
		.executeTakeFirst();
}

/**
 * What a customer owes right now, server by server, for the portal: each server's unbilled
 * window priced as billingStatus prices it, summed; month-to-date; the open and last charges.
 * `canPay`: Stripe is set up and either the customer's card payment is open (to resume) or, with nothing open, the
 * unbilled total with tax reaches Stripe's minimum.
 */
export async function customerStatus(app: App, customerId: string, locale: Locale) {
	const { store, config } = app;
	const now = app.clock();
	const customer = await getCustomer(store, config, customerId);
	const servers = await customerServers(store, customerId);
	const statuses = await billingStatuses(
		app,
		servers.map((s) => s.id),
		locale
	);
	const [monthMinor, open, last] = await Promise.all([
		monthToDateMinor(store, config, servers, now),
		openCustomerCharge(store, customerId),
		lastCustomerCharge(store, customerId)
	]);
	const cur = config.currency;
	const unbilledMinor = statuses.reduce((sum, s) => sum + s.amountMinor, 0);
	const grossMinor = applyTax(BigInt(unbilledMinor), customer.tax, cur.step).grossMinor;
	return {
		customerId: customer.id,
		name: customer.name,
		email: customer.email,
		currency: cur.code,
		taxRate: customer.tax.rate,
		taxInclusive: customer.tax.inclusive,
		unbilledMinor,
		monthToDateMinor: monthMinor,
		servers: statuses.map((s) => ({
			serverId: s.serverId,
			serverName: s.serverName,
			online: isOnline(s, now),
			uptimeSeconds: s.uptimeSeconds,
			billableSeconds: s.billableSeconds,
			amountMinor: s.amountMinor,
			amountFormatted: s.amountFormatted
		})),
		openCharge: open ? chargeView(open, locale) : null,
		lastCharge: last ? chargeView(last, locale) : null,
		canPay:
			Boolean(config.stripe.secretKey) &&
			(open ? open.kind === 'payment_intent' && open.server_id === null : grossMinor >= cur.minimumMinor),
		minimumMinor: Number(cur.minimumMinor)
	};
}
