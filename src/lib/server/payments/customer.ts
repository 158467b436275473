import type Stripe from 'stripe';
import type { App } from '../app';
import type { BillingCustomer } from '../customers/customers';
import { Failure } from '../errors';

/** Where the default customer's Stripe customer was remembered before customers existed. */
const LEGACY_SETTING = 'stripe_customer_id';

/**
 * The customer's Stripe customer, if one is given or was made: never creates one (a Payment
 * Intent goes without a customer when there is none to name, as before customers existed).
 */
export async function knownStripeCustomer(app: App, customer: BillingCustomer): Promise<string | undefined> {
	if (customer.stripeCustomerId) return customer.stripeCustomerId;
	if (!customer.isDefault) return undefined;
	const remembered = await app.store.db.selectFrom('settings').select('value').where('key', '=', LEGACY_SETTING).executeTakeFirst();
	return remembered?.value;
}

/**
 * The Stripe customer invoices (and receipts, saved cards) go to: the one given or
 * remembered, else one created once from the customer's email (idempotently, so two
 * instances make one) and remembered on the customer.
 */
export async function ensureCustomer(app: App, stripe: Stripe, customer: BillingCustomer): Promise<string> {
	const known = await knownStripeCustomer(app, customer);
	if (known) return known;
	if (!customer.email) {
		throw new Failure(
			'CUSTOMER_REQUIRED',
			customer.isDefault
				? 'Invoices need a Stripe customer: set STRIPE_CUSTOMER_ID, or CUSTOMER_EMAIL (and CUSTOMER_NAME) to create one'
				: `Customer "${customer.id}" has no email: give one (updateCustomer) so Stripe can send invoices and receipts`
		);
	}
	// the default customer keeps the key it always had, so an upgrade never makes a second Stripe customer
	const key = customer.isDefault
		? `sb-${app.installationId}-customer-${customer.email}-create`
		: `sb-${app.installationId}-customer-${customer.id}-create`;
	const created = await stripe.customers.create(
		{
			email: customer.email,
			name: customer.name,
			preferred_locales: [customer.locale],
			metadata: { created_by: 'server-billing', installation_id: app.installationId, customer_id: customer.id }
		},
		{ idempotencyKey: key }
	);
	await app.store.db
		.updateTable('customers')
		.set({ stripe_customer_id: created.id })
		.where('id', '=', customer.id)
		.where('stripe_customer_id', 'is', null)
		.execute();
	const stored = await app.store.db
		.selectFrom('customers')
		.select('stripe_customer_id')
		.where('id', '=', customer.id)
		.executeTakeFirstOrThrow();
	return stored.stripe_customer_id ?? created.id;
}

/** Invoices charge a saved card automatically; without one Stripe emails the invoice. */
export async function collectionMethodFor(stripe: Stripe, customerId: string): Promise<'charge_automatically' | 'send_invoice'> {
	const customer = await stripe.customers.retrieve(customerId);
	if (customer.deleted) throw new Failure('CUSTOMER_REQUIRED', `Stripe customer ${customerId} was deleted`);
	return customer.invoice_settings?.default_payment_method ? 'charge_automatically' : 'send_invoice';
}
