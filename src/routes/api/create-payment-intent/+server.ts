import type { RequestHandler } from './$types';
import { formatUptime } from '$lib/format';
import { jsonEndpoint } from '$lib/server/trpc/prototype';
import { createCaller } from '$lib/server/trpc/router';

/**
 * The prototype's POST /api/create-payment-intent. Unlike the prototype it bills only the
 * unbilled window, and asking again returns the open Payment Intent instead of a new one.
 */
export const POST: RequestHandler = ({ locals }) =>
	jsonEndpoint(
		locals.ctx,
		async () => {
			const caller = createCaller(locals.ctx);
			const intent = await caller.createPaymentIntent();
			const status = await caller.billingStatus();
			return {
				success: true,
				client_secret: intent.clientSecret,
				payment_intent: { id: intent.paymentIntentId, amount: intent.amountMinor, currency: intent.currency, status: intent.status },
				billing_info: {
					server_name: status.serverName,
					uptime: formatUptime(status.uptimeSeconds),
					hourly_rate: Number(status.hourlyRate),
					period_start: intent.periodStart,
					period_end: intent.periodEnd,
					charge_id: intent.chargeId
				}
			};
		},
		(message, code) => ({ success: false, error: message, code })
	);
