import type { App } from '../app';
import { ensureCustomer } from '../payments/customer';
import { requireStripe, stripeFailure } from '../payments/stripe';
import type { BillingCustomer } from './customers';

/**
 * A session on Stripe's hosted customer portal (cards, receipts, invoice history) for the
 * customer's Stripe customer — made once from their email if there is none yet. `returnUrl`:
 * where Stripe's "back" link goes (this site's dashboard); left to the portal's default when unknown.
 */
export async function billingPortalUrl(app: App, customer: BillingCustomer, returnUrl: string | undefined): Promise<string> {
	const stripe = requireStripe(app.stripe);
	try {
		const stripeCustomer = await ensureCustomer(app, stripe, customer);
		const session = await stripe.billingPortal.sessions.create({
			customer: stripeCustomer,
			...(returnUrl && { return_url: returnUrl }),
			locale: customer.locale
		});
		return session.url;
	} catch (error) {
		throw stripeFailure(error);
	}
}
