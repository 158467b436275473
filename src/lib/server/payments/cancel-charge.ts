import Stripe from 'stripe';
import type { App } from '../app';
import { getCharge, settleCharge } from '../billing/charges';
import type { Charge } from '../db/schema';
import { Failure } from '../errors';
import { chargeLock, completeAtStripe } from './open-charge';
import { requireStripe, stripeFailure } from './stripe';
import { idempotencyKey } from './stripe-objects';
import { syncCharge } from './sync';

/**
 * Cancels an open charge at Stripe first (the Payment Intent, or the invoice: voided), then
 * in the ledger, which releases its window. A charge Stripe already collected stays paid.
 */
export async function cancelCharge(app: App, chargeId: number): Promise<Charge> {
	const stripe = requireStripe(app.stripe);
	const found = await getCharge(app.store, chargeId);
	return app.locks.run(chargeLock(found.customer_id), async () => {
		let charge = await getCharge(app.store, chargeId);
		if (charge.status !== 'creating' && charge.status !== 'pending') {
			throw new Failure('CHARGE_NOT_CANCELABLE', `Charge #${charge.id} is ${charge.status} and can no longer be canceled`);
		}
		// a charge still being created may exist at Stripe: finish creating it, so it can be canceled for sure
		charge = await completeAtStripe(app, stripe, charge);
		try {
			if (charge.kind === 'payment_intent') {
				await stripe.paymentIntents.cancel(charge.stripe_id!, {}, { idempotencyKey: idempotencyKey(app.installationId, charge, 'cancel') });
			} else {
				await stripe.invoices.voidInvoice(charge.stripe_id!, {}, { idempotencyKey: idempotencyKey(app.installationId, charge, 'void') });
			}
		} catch (error) {
			if (error instanceof Stripe.errors.StripeInvalidRequestError && (await syncCharge(app, stripe, charge))) {
				// Stripe had already settled it (paid, or canceled elsewhere): the ledger now says so
				const settled = await getCharge(app.store, charge.id);
				if (settled.status === 'succeeded') {
					throw new Failure('CHARGE_NOT_CANCELABLE', `Charge #${charge.id} was already paid`);
				}
				return settled;
			}
			throw stripeFailure(error);
		}
		await settleCharge(app.store, charge.id, 'canceled', app.clock(), { code: 'canceled', message: 'Canceled by the operator' });
		return getCharge(app.store, charge.id);
	});
}
