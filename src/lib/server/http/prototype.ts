import type { AnyTRPCProcedure, inferRouterOutputs } from '@trpc/server';
import { formatUptime } from '../../format';
import type { Context } from '../trpc/context';
import { appRouter, type AppRouter } from '../trpc/router';
import { runProcedure } from './procedure-runner';

type Outputs = inferRouterOutputs<AppRouter>;
const procedures = appRouter._def.procedures as Record<string, AnyTRPCProcedure>;

/** createCaller(ctx)[name]() for a query without input, through the procedure runner the fast path uses. */
function query<K extends 'billingStatus' | 'uptime'>(name: K, ctx: Context): Promise<Outputs[K]> {
	return runProcedure(procedures[name], {
		path: name,
		getRawInput: async () => undefined,
		ctx,
		type: 'query',
		signal: undefined,
		batchIndex: 0
	}) as Promise<Outputs[K]>;
}

/**
 * The prototype's GET endpoints, with its snake_case fields kept for its scripts. Served by
 * their SvelteKit routes and, in production, by the fast path (fast-api.ts) with the same bodies.
 */
export async function billingStatusBody(ctx: Context) {
	const s = await query('billingStatus', ctx);
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
	const u = await query('uptime', ctx);
	return {
		uptime_seconds: u.uptimeSeconds,
		hours: u.hours,
		minutes: u.minutes,
		seconds: u.seconds,
		formatted: u.formatted,
		boot_time: u.bootTime
	};
}
