import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { TRPCError } from '@trpc/server';
import { formatUptime } from '../../format';
import type { Context } from './context';
import { retryAfter, toTRPCError } from './errors';
import { createCaller } from './router';

/**
 * The prototype's JSON endpoints on top of the router's queries, snake_case fields kept for
 * its scripts. Served by their SvelteKit routes and, in production, by the fast path
 * (http/fast-api.ts) with the same bodies.
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

/** A JSON answer, serialized: SvelteKit's route makes it a Response, the fast path writes it to the socket. */
export interface JsonReply {
	status: number;
	/** lower-case names */
	headers: Record<string, string>;
	body: string;
}

/**
 * Runs a call for a prototype-style JSON endpoint and answers with the HTTP status of its
 * failure's code: the domain's message on an expected failure, a request id otherwise.
 */
export async function jsonReply(
	ctx: Context,
	call: () => Promise<object>,
	onError?: (message: string, code: string) => object
): Promise<JsonReply> {
	const json = { 'content-type': 'application/json' };
	try {
		return { status: 200, headers: json, body: JSON.stringify(await call()) };
	} catch (error) {
		const trpcError = error instanceof TRPCError ? error : toTRPCError(error);
		const expected = trpcError && trpcError.code !== 'INTERNAL_SERVER_ERROR';
		if (!expected) ctx.app.logger.error({ err: error, requestId: ctx.requestId }, 'endpoint failed');
		const message = expected ? trpcError.message : `Internal error (id ${ctx.requestId})`;
		const code = expected ? failureCode(trpcError) : 'INTERNAL_ERROR';
		const status = expected ? getHTTPStatusCodeFromError(trpcError) : 500;
		const seconds = trpcError ? retryAfter([trpcError]) : undefined;
		const headers = seconds ? { 'retry-after': String(seconds), ...json } : json;
		return { status, headers, body: JSON.stringify(onError?.(message, code) ?? { error: message, code }) };
	}
}

export async function jsonEndpoint(
	ctx: Context,
	call: () => Promise<object>,
	onError?: (message: string, code: string) => object
): Promise<Response> {
	const reply = await jsonReply(ctx, call, onError);
	return new Response(reply.body, { status: reply.status, headers: reply.headers });
}

function failureCode(error: TRPCError): string {
	const cause = error.cause as { code?: unknown } | undefined;
	return typeof cause?.code === 'string' ? cause.code : error.code;
}
