import { z } from 'zod';
import { usage as usageOf } from '../../metering/usage';
import { adminProcedure } from '../init';
import { serverId } from './inputs';

const isoTime = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 time such as 2026-11-01T00:00:00Z' });

export const usageInput = z
	.object({
		serverId: serverId.optional(),
		/** accepted for the customer views to come; until customers exist it means every server */
		customerId: serverId.optional(),
		from: isoTime,
		to: isoTime,
		bucket: z.enum(['hour', 'day', 'month'])
	})
	.strict();

/**
 * Metered seconds per hour, day or month in BILLING_TIMEZONE, with an ESTIMATED amount per
 * bucket (seconds × the server's rate, rounded per bucket; the charges remain the truth:
 * minimum, increment and monthly cap apply to them only).
 */
export const usage = adminProcedure.input(usageInput).query(({ ctx, input }) =>
	usageOf(ctx.app.store, ctx.app.config, {
		serverId: input.serverId,
		from: Date.parse(input.from),
		to: Date.parse(input.to),
		bucket: input.bucket
	})
);
