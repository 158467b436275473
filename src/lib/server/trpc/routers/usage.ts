import { z } from 'zod';
import { usage as usageOf } from '../../metering/usage';
import { visibleCustomerId, visibleServer } from '../../auth/scope';
import { accountProcedure } from '../init';
import { customerId, serverId } from './inputs';

const isoTime = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 time such as 2026-11-01T00:00:00Z' });

export const usageInput = z
	.object({
		serverId: serverId.optional(),
		/** every server of this customer, summed (a customer: their own, the default) */
		customerId: customerId.optional(),
		from: isoTime,
		to: isoTime,
		bucket: z.enum(['hour', 'day', 'month'])
	})
	.strict()
	.refine((q) => q.serverId === undefined || q.customerId === undefined, 'give serverId or customerId, not both');

/**
 * Metered seconds per hour, day or month in BILLING_TIMEZONE, with an ESTIMATED amount per
 * bucket (seconds × the server's rate, rounded per bucket; the charges remain the truth:
 * minimum, increment and monthly cap apply to them only). One server, one customer's servers
 * summed, or (the admin, naming neither) every server; a customer sees only their own.
 */
export const usage = accountProcedure.input(usageInput).query(async ({ ctx, input }) => {
	const range = { from: Date.parse(input.from), to: Date.parse(input.to), bucket: input.bucket };
	const { store, config } = ctx.app;
	if (input.serverId !== undefined) {
		return usageOf(store, config, { serverId: (await visibleServer(store, ctx.auth, input.serverId)).id, ...range });
	}
	const customer =
		input.customerId !== undefined || ctx.auth.role === 'customer' ? visibleCustomerId(ctx.auth, input.customerId) : undefined;
	return usageOf(store, config, { customerId: customer, ...range });
});
