import type { RequestHandler } from './$types';
import { csvResponse } from '$lib/server/exports/csv';
import { USAGE_COLUMNS, usageRows } from '$lib/server/exports/usage';
import { jsonReply } from '$lib/server/trpc/prototype';
import type { Usage } from '$lib/server/metering/usage';
import { createCaller } from '$lib/server/trpc/router';

const DAY_MS = 86_400_000;

/**
 * The usage API as CSV: `?serverId=` or `?customerId=`, `&from=&to=&bucket=` (default: the last 30 days by day, every
 * server the caller may see: the admin's all, a customer's their own).
 */
export const GET: RequestHandler = async ({ locals, url }) => {
	const q = url.searchParams;
	const to = q.get('to') ?? new Date(locals.ctx.app.clock()).toISOString();
	const input = {
		serverId: q.get('serverId') ?? undefined,
		customerId: q.get('customerId') ?? undefined,
		from: q.get('from') ?? new Date(Date.parse(to) - 30 * DAY_MS).toISOString(),
		to,
		bucket: (q.get('bucket') ?? 'day') as 'day'
	};
	let usage: Usage | undefined;
	// the API's guard and input check answer (401, 400, 404) in the API's own words
	const reply = await jsonReply(locals.ctx, async () => (usage = await createCaller(locals.ctx).usage(input)));
	if (reply.status !== 200 || !usage) return new Response(reply.body, { status: reply.status, headers: reply.headers });
	return csvResponse('usage.csv', USAGE_COLUMNS, usageRows(usage));
};
