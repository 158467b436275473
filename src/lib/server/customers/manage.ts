import { randomBytes } from 'node:crypto';
import type { Config } from '../config';
import { isUniqueViolation, type Store } from '../db';
import type { Updateable } from 'kysely';
import type { CustomersTable } from '../db/schema';
import { Failure } from '../errors';
import { normalTaxRate } from '../billing/tax';
import { billingCustomer, getCustomerRow, type BillingCustomer } from './customers';

export interface CustomerFields {
	name?: string;
	email?: string;
	locale?: 'en' | 'ja';
	stripeCustomerId?: string;
	/** percent, decimal string (checked by the caller with parseTaxRate) */
	taxRate?: string;
	taxInclusive?: boolean;
}

/** A customer as the API shows it: the values in force (the default customer's blanks filled from the configuration). */
export function customerView(customer: BillingCustomer) {
	return {
		customerId: customer.id,
		name: customer.name,
		email: customer.email,
		locale: customer.locale,
		stripeCustomerId: customer.stripeCustomerId,
		taxRate: customer.tax.rate,
		taxInclusive: customer.tax.inclusive
	};
}

/** "Acme Hosting K.K." → "acme-hosting-k-k"; a name with no Latin letters or digits gets a random id. */
export function slugOf(name: string): string {
	const slug = name
		.normalize('NFKD')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '')
		.slice(0, 48)
		.replace(/-+$/, '');
	return slug || `customer-${randomBytes(4).toString('hex')}`;
}

function columns(fields: CustomerFields): Updateable<CustomersTable> {
	return {
		...(fields.name !== undefined && { name: fields.name }),
		...(fields.email !== undefined && { email: fields.email }),
		...(fields.locale !== undefined && { locale: fields.locale }),
		...(fields.stripeCustomerId !== undefined && { stripe_customer_id: fields.stripeCustomerId }),
		...(fields.taxRate !== undefined && { tax_rate: normalTaxRate(fields.taxRate) }),
		...(fields.taxInclusive !== undefined && { tax_inclusive: fields.taxInclusive ? 1 : 0 })
	};
}

export async function addCustomer(
	store: Store,
	config: Config,
	input: CustomerFields & { id?: string; name: string; email: string },
	now: number
): Promise<BillingCustomer> {
	const id = input.id ?? slugOf(input.name);
	try {
		await store.db
			.insertInto('customers')
			.values({
				id,
				name: null,
				email: null,
				stripe_customer_id: null,
				tax_rate: null,
				tax_inclusive: null,
				...columns(input),
				created_at: now
			})
			.execute();
	} catch (error) {
		if (isUniqueViolation(error)) throw new Failure('CUSTOMER_EXISTS', `A customer with id "${id}" already exists`);
		throw error;
	}
	return billingCustomer(config, await getCustomerRow(store, id));
}

export async function updateCustomer(store: Store, config: Config, customerId: string, fields: CustomerFields): Promise<BillingCustomer> {
	const patch = columns(fields);
	if (Object.keys(patch).length > 0) {
		const result = await store.db.updateTable('customers').set(patch).where('id', '=', customerId).executeTakeFirst();
		if (Number(result.numUpdatedRows) === 0) throw new Failure('CUSTOMER_NOT_FOUND', `No customer with id "${customerId}"`);
	}
	return billingCustomer(config, await getCustomerRow(store, customerId));
}
