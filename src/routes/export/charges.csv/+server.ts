import type { RequestHandler } from './$types';
import { csvResponse } from '$lib/server/exports/csv';
import { CHARGE_COLUMNS, chargeRows, type ChargeScope } from '$lib/server/exports/charges';
import { jsonReply } from '$lib/server/trpc/prototype';
import { createCaller } from '$lib/server/trpc/router';

/**
 * Charges newest first, as CSV: one server's (`?serverId=`), one customer's (`?customerId=`), or — the admin
 * naming neither — every charge; a customer naming neither gets their own.
 */
export const GET: RequestHandler = async ({ locals, url }) => {
	const serverId = url.searchParams.get('serverId') ?? undefined;
	const customerId = url.searchParams.get('customerId') ?? undefined;
	const { auth } = locals.ctx;
	const caller = createCaller(locals.ctx);
	let scope: ChargeScope = 'all';
	// the API's own guard, input check and scope answer first (401, 403, 404) — before any row is sent
	const allowed = await jsonReply(locals.ctx, async () => {
		if (serverId !== undefined) {
			await caller.charges({ serverId, limit: 1 });
			scope = { serverId };
		} else if (customerId !== undefined || auth.role === 'customer') {
			await caller.charges({ customerId, limit: 1 });
			scope = { customerId: customerId ?? (auth.role === 'customer' ? auth.customerId : '') };
		} else await caller.servers({ limit: 1 });
		return {};
	});
	if (allowed.status !== 200) return new Response(allowed.body, { status: allowed.status, headers: allowed.headers });
	const name = serverId ? `charges-${serverId}.csv` : customerId ? `charges-${customerId}.csv` : 'charges.csv';
	return csvResponse(name, CHARGE_COLUMNS, chargeRows(locals.ctx.app.store, scope));
};
