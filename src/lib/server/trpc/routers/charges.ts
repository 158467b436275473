import { z } from 'zod';
import { getCharge, listCharges } from '../../billing/charges';
import { chargeView } from '../../billing/status';
import { getServer, LOCAL_SERVER_ID } from '../../metering/servers';
import { cancelCharge as cancel } from '../../payments/cancel-charge';
import { openChargeFor } from '../../payments/open-charge';
import { runBillingTick } from '../../payments/schedule';
import { requireStripe } from '../../payments/stripe';
import { syncCharge as sync } from '../../payments/sync';
import { adminProcedure } from '../init';
import { locale, serverId } from './inputs';

const iso = (ms: number) => new Date(ms).toISOString();
const target = z.object({ serverId: serverId.optional() }).strict().optional();
const chargeId = z.object({ chargeId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER) }).strict();

/** Bills the unbilled usage as a Payment Intent for Stripe Elements (or returns the one still open). */
export const createPaymentIntent = adminProcedure.input(target).mutation(async ({ ctx, input }) => {
	const charge = await openChargeFor(ctx.app, input?.serverId ?? LOCAL_SERVER_ID, 'payment_intent');
	return {
		chargeId: charge.id,
		paymentIntentId: charge.stripe_id!,
		clientSecret: charge.client_secret!,
		status: charge.status,
		amountMinor: charge.amount_minor,
		currency: charge.currency,
		periodStart: iso(charge.period_start),
		periodEnd: iso(charge.period_end)
	};
});

/** Bills the unbilled usage as a finalized Stripe invoice (or returns the one still open). */
export const createInvoice = adminProcedure.input(target).mutation(async ({ ctx, input }) => {
	const charge = await openChargeFor(ctx.app, input?.serverId ?? LOCAL_SERVER_ID, 'invoice');
	return {
		chargeId: charge.id,
		invoiceId: charge.stripe_id!,
		hostedInvoiceUrl: charge.hosted_invoice_url,
		invoicePdfUrl: charge.invoice_pdf_url,
		status: charge.status,
		amountMinor: charge.amount_minor,
		currency: charge.currency,
		periodStart: iso(charge.period_start),
		periodEnd: iso(charge.period_end)
	};
});

/** Charge history, newest first; pass nextCursor back as `cursor` for the next page. */
export const charges = adminProcedure
	.input(
		z
			.object({
				serverId: serverId.optional(),
				limit: z.number().int().min(1).max(100).default(20),
				cursor: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
				locale: locale.optional()
			})
			.strict()
			.optional()
	)
	.query(async ({ ctx, input }) => {
		const server = await getServer(ctx.app.store, input?.serverId ?? LOCAL_SERVER_ID);
		const page = await listCharges(ctx.app.store, server.id, input?.limit ?? 20, input?.cursor);
		return { items: page.charges.map((c) => chargeView(c, input?.locale ?? ctx.locale)), nextCursor: page.nextCursor };
	});

/** Cancels an open charge at Stripe and releases its window. */
export const cancelCharge = adminProcedure
	.input(chargeId)
	.mutation(async ({ ctx, input }) => chargeView(await cancel(ctx.app, input.chargeId), ctx.locale));

/** Asks Stripe for a charge's state now (the dashboard calls it after a payment, before the webhook lands). */
export const syncCharge = adminProcedure.input(chargeId).mutation(async ({ ctx, input }) => {
	const stripe = requireStripe(ctx.app.stripe);
	await sync(ctx.app, stripe, await getCharge(ctx.app.store, input.chargeId));
	return chargeView(await getCharge(ctx.app.store, input.chargeId), ctx.locale);
});

/** Invoices every server's unbilled usage now, as a scheduled tick would (each server once per tick). */
export const billNow = adminProcedure.mutation(async ({ ctx }) => {
	requireStripe(ctx.app.stripe);
	return runBillingTick(ctx.app, Math.floor(ctx.app.clock() / 1000) * 1000);
});
