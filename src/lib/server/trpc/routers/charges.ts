import { z } from 'zod';
import { getCharge, listCharges } from '../../billing/charges';
import { chargeView } from '../../billing/status';
import { LOCAL_SERVER_ID } from '../../metering/servers';
import { defaultServer, visibleCustomerId, visibleServer } from '../../auth/scope';
import type { Charge } from '../../db/schema';
import { Failure } from '../../errors';
import { cancelCharge as cancel } from '../../payments/cancel-charge';
import { openChargeFor, type BillingTarget } from '../../payments/open-charge';
import { runBillingTick } from '../../payments/schedule';
import { requireStripe } from '../../payments/stripe';
import { syncCharge as sync } from '../../payments/sync';
import { accountProcedure, adminProcedure, type AccountContext } from '../init';
import { customerId, locale, serverId } from './inputs';

const iso = (ms: number) => new Date(ms).toISOString();
const chargeId = z.object({ chargeId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER) }).strict();
/** One server, or every server of one customer; neither: the admin's local server, a customer's own servers. */
const oneTarget = (t: { serverId?: string; customerId?: string }) => t.serverId === undefined || t.customerId === undefined;
const NOT_BOTH = 'give serverId or customerId, not both';
const invoiceTarget = z.object({ serverId: serverId.optional(), customerId: customerId.optional() }).strict().refine(oneTarget, NOT_BOTH);
const paymentTarget = z
	.object({ serverId: serverId.optional(), customerId: customerId.optional(), saveCard: z.boolean().optional() })
	.strict()
	.refine(oneTarget, NOT_BOTH);

/** What the caller may bill: a customer only their own servers (another's ids: 404). */
async function billingTarget(ctx: AccountContext, input: { serverId?: string; customerId?: string } | undefined): Promise<BillingTarget> {
	if (input?.serverId !== undefined) return { serverId: (await visibleServer(ctx.app.store, ctx.auth, input.serverId)).id };
	if (input?.customerId !== undefined || ctx.auth.role === 'customer')
		return { customerId: visibleCustomerId(ctx.auth, input?.customerId) };
	return { serverId: LOCAL_SERVER_ID };
}

const taxFields = (charge: Charge) => ({
	netMinor: charge.net_minor ?? charge.amount_minor,
	taxMinor: charge.tax_minor,
	taxRate: charge.tax_rate
});

/**
 * Bills the unbilled usage as a Payment Intent for the Payment Element (or returns the one
 * still open): one server's, or all of a customer's in one payment. `saveCard` keeps the card
 * for automatic billing. A customer may pay for their own servers.
 */
export const createPaymentIntent = accountProcedure.input(paymentTarget.optional()).mutation(async ({ ctx, input }) => {
	const charge = await openChargeFor(ctx.app, await billingTarget(ctx, input), 'payment_intent', { saveCard: input?.saveCard });
	return {
		chargeId: charge.id,
		customerId: charge.customer_id,
		paymentIntentId: charge.stripe_id!,
		clientSecret: charge.client_secret!,
		status: charge.status,
		amountMinor: charge.amount_minor,
		...taxFields(charge),
		currency: charge.currency,
		saveCard: charge.save_card === 1,
		periodStart: iso(charge.period_start),
		periodEnd: iso(charge.period_end)
	};
});

/** Bills the unbilled usage as a finalized Stripe invoice (or returns the one still open): one server's, or all of a customer's. */
export const createInvoice = adminProcedure.input(invoiceTarget.optional()).mutation(async ({ ctx, input }) => {
	const charge = await openChargeFor(ctx.app, await billingTarget(ctx, input), 'invoice');
	return {
		chargeId: charge.id,
		customerId: charge.customer_id,
		invoiceId: charge.stripe_id!,
		hostedInvoiceUrl: charge.hosted_invoice_url,
		invoicePdfUrl: charge.invoice_pdf_url,
		status: charge.status,
		amountMinor: charge.amount_minor,
		...taxFields(charge),
		currency: charge.currency,
		periodStart: iso(charge.period_start),
		periodEnd: iso(charge.period_end)
	};
});

/** A charge the caller may see: a customer only their own (another's: 404, as if it did not exist). */
async function visibleCharge(ctx: AccountContext, id: number): Promise<Charge> {
	const charge = await getCharge(ctx.app.store, id);
	if (ctx.auth.role === 'customer' && charge.customer_id !== ctx.auth.customerId) {
		throw new Failure('CHARGE_NOT_FOUND', `No charge with id ${id}`);
	}
	return charge;
}

/** Charge history, newest first; pass nextCursor back as `cursor` for the next page. */
export const charges = accountProcedure
	.input(
		z
			.object({
				serverId: serverId.optional(),
				customerId: customerId.optional(),
				limit: z.number().int().min(1).max(100).default(20),
				cursor: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
				locale: locale.optional()
			})
			.strict()
			.optional()
	)
	.query(async ({ ctx, input }) => {
		const of =
			input?.serverId === undefined && (input?.customerId !== undefined || ctx.auth.role === 'customer')
				? { customerId: visibleCustomerId(ctx.auth, input?.customerId) }
				: { serverId: (await defaultServer(ctx.app.store, ctx.auth, input?.serverId, LOCAL_SERVER_ID)).id };
		const page = await listCharges(ctx.app.store, of, input?.limit ?? 20, input?.cursor);
		return { items: page.charges.map((c) => chargeView(c, input?.locale ?? ctx.locale)), nextCursor: page.nextCursor };
	});

/** Cancels an open charge at Stripe and releases its window. A customer may cancel only their own pending card payment. */
export const cancelCharge = accountProcedure.input(chargeId).mutation(async ({ ctx, input }) => {
	requireStripe(ctx.app.stripe);
	const charge = await visibleCharge(ctx, input.chargeId);
	if (ctx.auth.role === 'customer' && charge.kind !== 'payment_intent') {
		throw new Failure('FORBIDDEN', 'Only the operator can cancel an invoice');
	}
	return chargeView(await cancel(ctx.app, charge.id), ctx.locale);
});

/** Asks Stripe for a charge's state now (the dashboard calls it after a payment, before the webhook lands). */
export const syncCharge = accountProcedure.input(chargeId).mutation(async ({ ctx, input }) => {
	const stripe = requireStripe(ctx.app.stripe);
	await sync(ctx.app, stripe, await visibleCharge(ctx, input.chargeId));
	return chargeView(await getCharge(ctx.app.store, input.chargeId), ctx.locale);
});

/** Invoices every customer's unbilled usage now, as a scheduled tick would (each customer once per tick). */
export const billNow = adminProcedure.mutation(async ({ ctx }) => {
	requireStripe(ctx.app.stripe);
	return runBillingTick(ctx.app, Math.floor(ctx.app.clock() / 1000) * 1000);
});
