import type { Config } from '../config';
import type { Store } from '../db';
import { DEFAULT_CUSTOMER_ID, type Customer } from '../db/schema';
import { Failure } from '../errors';
import type { TaxRule } from '../billing/tax';

/** A customer as billing sees it: the default customer's blanks filled from the configuration. */
export interface BillingCustomer {
	id: string;
	name: string;
	email: string | null;
	locale: 'en' | 'ja';
	/** given or remembered; the default customer's may also come from STRIPE_CUSTOMER_ID or a remembered setting (payments/customer.ts) */
	stripeCustomerId: string | null;
	tax: TaxRule;
	isDefault: boolean;
}

/** A customer's name as shown: the stored one, else (the default customer) CUSTOMER_NAME or CUSTOMER_EMAIL, else the id. */
export function customerName(config: Config, id: string, name: string | null): string {
	if (name !== null) return name;
	return id === DEFAULT_CUSTOMER_ID ? (config.stripe.customerName ?? config.stripe.customerEmail ?? 'Default customer') : id;
}

export function billingCustomer(config: Config, row: Customer): BillingCustomer {
	const isDefault = row.id === DEFAULT_CUSTOMER_ID;
	return {
		id: row.id,
		name: customerName(config, row.id, row.name),
		email: row.email ?? (isDefault ? (config.stripe.customerEmail ?? null) : null),
		locale: row.locale === 'ja' ? 'ja' : 'en',
		stripeCustomerId: row.stripe_customer_id ?? (isDefault ? (config.stripe.customerId ?? null) : null),
		tax: { rate: row.tax_rate ?? config.taxRate, inclusive: row.tax_inclusive === null ? config.taxInclusive : row.tax_inclusive === 1 },
		isDefault
	};
}

export async function getCustomerRow(store: Store, customerId: string): Promise<Customer> {
	const row = await store.db.selectFrom('customers').selectAll().where('id', '=', customerId).executeTakeFirst();
	if (!row) throw new Failure('CUSTOMER_NOT_FOUND', `No customer with id "${customerId}"`);
	return row;
}

export async function getCustomer(store: Store, config: Config, customerId: string): Promise<BillingCustomer> {
	return billingCustomer(config, await getCustomerRow(store, customerId));
}

/** The customer's servers that bill (retired ones keep their history; their unbilled time is still owed). */
export function customerServerIds(store: Store, customerId: string): Promise<string[]> {
	return store.db
		.selectFrom('servers')
		.select('id')
		.where('customer_id', '=', customerId)
		.orderBy('id')
		.execute()
		.then((rows) => rows.map((r) => r.id));
}
