import type { RequestHandler } from './$types';
import { formatUptime } from '$lib/format';
import { jsonEndpoint } from '$lib/server/http/json';
import { createCaller } from '$lib/server/trpc/router';

/** The prototype's GET /api/billing-status, snake_case fields kept for its scripts. */
export const GET: RequestHandler = ({ locals }) =>
	jsonEndpoint(locals.ctx, async () => {
		const s = await createCaller(locals.ctx).billingStatus();
		return {
			server_name: s.serverName,
			boot_time: s.bootTime,
			current_time: s.periodEnd,
			uptime: formatUptime(s.uptimeSeconds),
			uptime_seconds: s.uptimeSeconds,
			hourly_rate: Number(s.hourlyRate),
			total_amount: Number(s.amountMajor),
			amount_minor: s.amountMinor,
			currency: s.currency,
			billable_seconds: s.billableSeconds,
			period_start: s.periodStart
		};
	});
