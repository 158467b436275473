import type Stripe from 'stripe';
import type { App } from '../app';
import type { Server } from '../db/schema';
import { Failure } from '../errors';

const SETTING = 'stripe_customer_id';

/**
 * The Stripe customer invoices go to: the server's own, else STRIPE_CUSTOMER_ID, else one
 * created once from CUSTOMER_EMAIL / CUSTOMER_NAME (idempotently) and remembered.
 */
export async function ensureCustomer(app: App, stripe: Stripe, server: Server): Promise<string> {
	if (server.stripe_customer_id) return server.stripe_customer_id;
	const { customerId, customerEmail, customerName } = app.config.stripe;
	if (customerId) return customerId;
	const remembered = await app.store.db.selectFrom('settings').select('value').where('key', '=', SETTING).executeTakeFirst();
	if (remembered) return remembered.value;
	if (!customerEmail) {
		throw new Failure(
			'CUSTOMER_REQUIRED',
			'Invoices need a Stripe customer: set STRIPE_CUSTOMER_ID, or CUSTOMER_EMAIL (and CUSTOMER_NAME) to create one'
		);
	}
	const customer = await stripe.customers.create(
		{ email: customerEmail, name: customerName, metadata: { created_by: 'server-billing', installation_id: app.installationId } },
		{ idempotencyKey: `sb-${app.installationId}-customer-${customerEmail}-create` }
	);
	await app.store.db
		.insertInto('settings')
		.values({ key: SETTING, value: customer.id })
		.onConflict((oc) => oc.column('key').doNothing())
		.execute();
	const stored = await app.store.db.selectFrom('settings').select('value').where('key', '=', SETTING).executeTakeFirstOrThrow();
	return stored.value;
}

/** Invoices charge a saved card automatically; without one Stripe emails the invoice. */
export async function collectionMethodFor(stripe: Stripe, customerId: string): Promise<'charge_automatically' | 'send_invoice'> {
	const customer = await stripe.customers.retrieve(customerId);
	if (customer.deleted) throw new Failure('CUSTOMER_REQUIRED', `Stripe customer ${customerId} was deleted`);
	return customer.invoice_settings?.default_payment_method ? 'charge_automatically' : 'send_invoice';
}
