import { formatUptime } from '../../format';
import type { Context } from '../trpc/context';
import { createCaller } from '../trpc/router';

/**
 * The prototype's GET endpoints, with its snake_case fields kept for its scripts. Served by
 * their SvelteKit routes and, in production, by the fast path (fast-api.ts) with the same bodies.
 */
export async function billingStatusBody(ctx: Context) {
	const s = await createCaller(ctx).billingStatus();
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
}

export async function uptimeBody(ctx: Context) {
	const u = await createCaller(ctx).uptime();
	return {
		uptime_seconds: u.uptimeSeconds,
		hours: u.hours,
		minutes: u.minutes,
		seconds: u.seconds,
		formatted: u.formatted,
		boot_time: u.bootTime
	};
}
