import Stripe from 'stripe';
import type { App } from '../app';
import { attachStripeId, chargeItems, recordStripeObject, settleCharge } from '../billing/charges';
import type { Charge } from '../db/schema';
import { getServer } from '../metering/servers';
import { ensureCustomer } from './customer';
import { findByMetadata, isReplayedFailure, startOver } from './replayed';

/**
 * The Stripe side of a charge. Every call's params derive from the stored charge and every
 * call carries an idempotency key derived from this installation, the charge and the step,
 * so running these again after a crash, a timeout or from another instance returns the same
 * objects — and another installation on the same Stripe account never shares a key.
 */
export const idempotencyKey = (installationId: string, charge: Pick<Charge, 'id' | 'stripe_attempt'>, step: string) =>
	`sb-${installationId}-charge-${charge.id}${charge.stripe_attempt > 0 ? `-try${charge.stripe_attempt}` : ''}-${step}`;

/** What every object this app creates carries: webhooks for anything else are ignored. */
export const chargeKey = (installationId: string, charge: Pick<Charge, 'id'>) => `${installationId}-${charge.id}`;

const seconds = (ms: number) => Math.floor(ms / 1000);

export function chargeMetadata(installationId: string, charge: Charge): Stripe.MetadataParam {
	return {
		installation_id: installationId,
		charge_id: String(charge.id),
		charge_key: chargeKey(installationId, charge),
		server_id: charge.server_id,
		period_start: new Date(charge.period_start).toISOString(),
		period_end: new Date(charge.period_end).toISOString()
	};
}

export async function createPaymentIntentAt(app: App, stripe: Stripe, charge: Charge): Promise<Charge> {
	const key = (step: string) => idempotencyKey(app.installationId, charge, step);
	let intent: Stripe.PaymentIntent;
	try {
		intent = await stripe.paymentIntents.create(
			{
				amount: charge.amount_minor,
				currency: charge.currency,
				automatic_payment_methods: { enabled: true },
				description: charge.description,
				metadata: chargeMetadata(app.installationId, charge)
			},
			{ idempotencyKey: key('payment-intent') }
		);
	} catch (error) {
		if (!isReplayedFailure(error)) throw error;
		// Stripe keeps answering this key with the 500 it saved: the object may exist all the same
		const found = await findByMetadata(stripe.paymentIntents, chargeKey(app.installationId, charge), charge.created_at);
		if (!found) throw await startOver(app, charge, error);
		intent = found;
	}
	const stored = await recordStripeObject(app.store, charge.id, { stripeId: intent.id, clientSecret: intent.client_secret }, app.clock());
	if (intent.status === 'succeeded') await settleCharge(app.store, charge.id, 'succeeded', app.clock());
	return stored;
}

/** Draft invoice → one item per line (server and month, with its period) → finalize; collection as fixed on the charge. */
export async function createInvoiceAt(app: App, stripe: Stripe, charge: Charge): Promise<Charge> {
	const server = await getServer(app.store, charge.server_id);
	const customer = await ensureCustomer(app, stripe, server);
	const sendInvoice = charge.collection_method === 'send_invoice';
	const key = (step: string) => idempotencyKey(app.installationId, charge, step);
	let draft: Stripe.Invoice;
	try {
		// auto_advance stays off on the draft: a draft left behind by a crash must never finalize on its own
		draft = await stripe.invoices.create(
			{
				customer,
				currency: charge.currency,
				collection_method: sendInvoice ? 'send_invoice' : 'charge_automatically',
				...(sendInvoice && { days_until_due: app.config.stripe.daysUntilDue }),
				auto_advance: false,
				pending_invoice_items_behavior: 'exclude',
				description: charge.description,
				metadata: chargeMetadata(app.installationId, charge)
			},
			{ idempotencyKey: key('invoice') }
		);
	} catch (error) {
		if (!isReplayedFailure(error)) throw error;
		const found = await findByMetadata(stripe.invoices, chargeKey(app.installationId, charge), charge.created_at, customer);
		if (!found) throw await startOver(app, charge, error);
		draft = found;
	}
	await attachStripeId(app.store, charge.id, draft.id!, app.clock());
	if (draft.status === 'draft') {
		for (const item of await chargeItems(app.store, charge.id)) {
			// a line whose rounding came to nothing still counts as billed time; Stripe needs no line for it
			if (item.amount_minor === 0) continue;
			await stripe.invoiceItems.create(
				{
					customer,
					invoice: draft.id,
					amount: item.amount_minor,
					currency: charge.currency,
					description: item.description,
					period: { start: seconds(item.period_start), end: seconds(item.period_end) },
					metadata: { installation_id: app.installationId, charge_id: String(charge.id), server_id: item.server_id, month: item.month }
				},
				{ idempotencyKey: key(`item-${item.id}`) }
			);
		}
	}
	const invoice =
		draft.status === 'draft'
			? await stripe.invoices.finalizeInvoice(draft.id!, { auto_advance: true }, { idempotencyKey: key('finalize') })
			: draft;
	const stored = await recordStripeObject(
		app.store,
		charge.id,
		{ stripeId: invoice.id!, hostedInvoiceUrl: invoice.hosted_invoice_url, invoicePdfUrl: invoice.invoice_pdf },
		app.clock()
	);
	if (invoice.status === 'paid') await settleCharge(app.store, charge.id, 'succeeded', app.clock());
	return stored;
}
