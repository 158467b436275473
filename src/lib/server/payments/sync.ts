import type Stripe from 'stripe';
import type { App } from '../app';
import { flagForReview, noteAttemptFailure, settleCharge } from '../billing/charges';
import type { Charge } from '../db/schema';
import { idempotencyKey } from './stripe-objects';

/**
 * Applies what Stripe says about a charge's object — from a webhook, a reconciliation or a
 * sync — to the ledger. Only forward moves happen (settleCharge ignores final charges).
 * Returns whether the charge changed.
 */
export async function applyPaymentIntent(app: App, charge: Charge, intent: Stripe.PaymentIntent): Promise<boolean> {
	const now = app.clock();
	switch (intent.status) {
		case 'succeeded': {
			if (await differs(app, charge, intent.id, intent.amount_received, intent.currency)) return true;
			const settled = await settleCharge(app.store, charge.id, 'succeeded', now);
			if (charge.save_card) await makeDefaultCard(app, charge, intent);
			return settled;
		}
		case 'canceled':
			return settleCharge(app.store, charge.id, 'canceled', now, { code: 'canceled', message: intent.cancellation_reason ?? 'canceled' });
		case 'requires_payment_method':
			// a decline: the customer may retry on the same Payment Intent, so the charge stays open
			if (intent.last_payment_error) {
				await noteAttemptFailure(
					app.store,
					charge.id,
					intent.last_payment_error.decline_code ?? intent.last_payment_error.code ?? 'payment_failed',
					intent.last_payment_error.message ?? 'The payment failed',
					now
				);
				return true;
			}
			return false;
		default:
			return false;
	}
}

export async function applyInvoice(app: App, charge: Charge, invoice: Stripe.Invoice): Promise<boolean> {
	const now = app.clock();
	switch (invoice.status) {
		case 'paid':
			if (await differs(app, charge, invoice.id ?? '', invoice.amount_paid, invoice.currency)) return true;
			return settleCharge(app.store, charge.id, 'succeeded', now);
		case 'void':
			return settleCharge(app.store, charge.id, 'canceled', now, { code: 'voided', message: 'The invoice was voided' });
		case 'uncollectible':
			return settleCharge(app.store, charge.id, 'failed', now, { code: 'uncollectible', message: 'The invoice was marked uncollectible' });
		default:
			return false;
	}
}

/**
 * The customer asked to keep the card: it becomes their default for invoices, so scheduled
 * billing charges it automatically. Idempotent (the same key and params on every replay).
 */
async function makeDefaultCard(app: App, charge: Charge, intent: Stripe.PaymentIntent): Promise<void> {
	const method = typeof intent.payment_method === 'string' ? intent.payment_method : intent.payment_method?.id;
	const customer = typeof intent.customer === 'string' ? intent.customer : intent.customer?.id;
	if (!app.stripe || !method || !customer) return;
	try {
		await app.stripe.customers.update(
			customer,
			{ invoice_settings: { default_payment_method: method } },
			{ idempotencyKey: idempotencyKey(app.installationId, charge, `default-card-${method}`) }
		);
	} catch (error) {
		// the payment stands; the card is just not the default yet (logged for the operator)
		app.logger.error({ err: error, chargeId: charge.id }, 'could not make the saved card the customer default');
	}
}

/**
 * A payment of another amount or currency than the ledger billed never settles a charge:
 * it is flagged for the operator (dashboard, `charges` API) and logged as an error.
 */
async function differs(app: App, charge: Charge, stripeId: string, amountMinor: number, currency: string): Promise<boolean> {
	if (amountMinor === charge.amount_minor && currency === charge.currency) return false;
	const reason = `Stripe reported ${amountMinor} ${currency} paid on ${stripeId}; the ledger billed ${charge.amount_minor} ${charge.currency}`;
	app.logger.error(
		{ chargeId: charge.id, stripeId, amountMinor, currency, expected: charge.amount_minor },
		'payment differs from the ledger: charge flagged for review'
	);
	await flagForReview(app.store, charge.id, reason, app.clock());
	return true;
}

/** Asks Stripe for the charge's current state and applies it (for a missed webhook). */
export async function syncCharge(app: App, stripe: Stripe, charge: Charge): Promise<boolean> {
	if (!charge.stripe_id || (charge.status !== 'pending' && charge.status !== 'creating')) return false;
	if (charge.kind === 'payment_intent') return applyPaymentIntent(app, charge, await stripe.paymentIntents.retrieve(charge.stripe_id));
	return applyInvoice(app, charge, await stripe.invoices.retrieve(charge.stripe_id));
}
