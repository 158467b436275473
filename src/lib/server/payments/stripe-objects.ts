import type Stripe from 'stripe';
import type { App } from '../app';
import { attachStripeId, chargeLines, recordStripeObject, settleCharge } from '../billing/charges';
import type { Charge } from '../db/schema';
import { getServer } from '../metering/servers';
import { ensureCustomer } from './customer';

/**
 * The Stripe side of a charge. Every call's params derive from the stored charge and every
 * call carries an idempotency key derived from the charge id and step, so running these
 * again after a crash, a timeout or from another instance returns the same objects.
 */
export const idempotencyKey = (charge: Pick<Charge, 'id'>, step: string) => `charge-${charge.id}-${step}`;

const seconds = (ms: number) => Math.floor(ms / 1000);

function metadata(charge: Charge): Stripe.MetadataParam {
	return {
		charge_id: String(charge.id),
		server_id: charge.server_id,
		period_start: new Date(charge.period_start).toISOString(),
		period_end: new Date(charge.period_end).toISOString()
	};
}

export async function createPaymentIntentAt(app: App, stripe: Stripe, charge: Charge): Promise<Charge> {
	const intent = await stripe.paymentIntents.create(
		{
			amount: charge.amount_minor,
			currency: charge.currency,
			automatic_payment_methods: { enabled: true },
			description: charge.description,
			metadata: metadata(charge)
		},
		{ idempotencyKey: idempotencyKey(charge, 'payment-intent') }
	);
	const stored = await recordStripeObject(app.store, charge.id, { stripeId: intent.id, clientSecret: intent.client_secret }, app.clock());
	if (intent.status === 'succeeded') await settleCharge(app.store, charge.id, 'succeeded', app.clock());
	return stored;
}

/** Draft invoice → one item per line (with its period) → finalize; collection as fixed on the charge. */
export async function createInvoiceAt(app: App, stripe: Stripe, charge: Charge): Promise<Charge> {
	const server = await getServer(app.store, charge.server_id);
	const customer = await ensureCustomer(app, stripe, server);
	const sendInvoice = charge.collection_method === 'send_invoice';
	// auto_advance stays off on the draft: a draft left behind by a crash must never finalize on its own
	const draft = await stripe.invoices.create(
		{
			customer,
			currency: charge.currency,
			collection_method: sendInvoice ? 'send_invoice' : 'charge_automatically',
			...(sendInvoice && { days_until_due: app.config.stripe.daysUntilDue }),
			auto_advance: false,
			pending_invoice_items_behavior: 'exclude',
			description: charge.description,
			metadata: metadata(charge)
		},
		{ idempotencyKey: idempotencyKey(charge, 'invoice') }
	);
	await attachStripeId(app.store, charge.id, draft.id!, app.clock());
	for (const line of await chargeLines(app.store, charge.id)) {
		await stripe.invoiceItems.create(
			{
				customer,
				invoice: draft.id,
				amount: line.amount_minor,
				currency: charge.currency,
				description: line.description,
				period: { start: seconds(line.period_start), end: seconds(line.period_end) },
				metadata: { charge_id: String(charge.id), run_id: String(line.run_id), month: line.month }
			},
			{ idempotencyKey: idempotencyKey(charge, `item-${line.id}`) }
		);
	}
	const invoice = await stripe.invoices.finalizeInvoice(
		draft.id!,
		{ auto_advance: true },
		{ idempotencyKey: idempotencyKey(charge, 'finalize') }
	);
	const stored = await recordStripeObject(
		app.store,
		charge.id,
		{ stripeId: invoice.id!, hostedInvoiceUrl: invoice.hosted_invoice_url },
		app.clock()
	);
	if (invoice.status === 'paid') await settleCharge(app.store, charge.id, 'succeeded', app.clock());
	return stored;
}
