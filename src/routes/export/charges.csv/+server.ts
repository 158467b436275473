import type { RequestHandler } from './$types';
import { csvResponse } from '$lib/server/exports/csv';
import { CHARGE_COLUMNS, chargeRows } from '$lib/server/exports/charges';
import { jsonReply } from '$lib/server/trpc/prototype';
import { createCaller } from '$lib/server/trpc/router';

/** Every charge (or one server's, `?serverId=`), newest first, as CSV. */
export const GET: RequestHandler = async ({ locals, url }) => {
	const serverId = url.searchParams.get('serverId') ?? undefined;
	const caller = createCaller(locals.ctx);
	// the API's own guard and input check answer first (401, 403, 404) — before any row is sent
	const allowed = await jsonReply(locals.ctx, async () => {
		if (serverId === undefined) await caller.servers({ limit: 1 });
		else await caller.charges({ serverId, limit: 1 });
		return {};
	});
	if (allowed.status !== 200) return new Response(allowed.body, { status: allowed.status, headers: allowed.headers });
	return csvResponse(serverId ? `charges-${serverId}.csv` : 'charges.csv', CHARGE_COLUMNS, chargeRows(locals.ctx.app.store, serverId));
};
