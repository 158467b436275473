import type { PageServerLoad } from './$types';
import { expectedFailures } from '$lib/server/trpc/page-errors';
import { countServers } from '$lib/server/metering/fleet';
import { createCaller } from '$lib/server/trpc/router';

const SHORT_LIST = 24;

/** The first HTML already shows the numbers; the page then refreshes them itself. */
export const load: PageServerLoad = async ({ locals, url, setHeaders }) => {
	setHeaders({ 'cache-control': 'no-store' });
	const caller = createCaller(locals.ctx);
	const serverId = url.searchParams.get('server') ?? undefined;
	const [status, charges, servers] = await expectedFailures(
		Promise.all([caller.billingStatus({ serverId }), caller.charges({ serverId, limit: 20 }), caller.servers({ limit: SHORT_LIST })])
	);
	const serverCount = servers.length < SHORT_LIST ? servers.length : await countServers(locals.ctx.app.store);
	return {
		locale: locals.ctx.locale,
		status,
		charges: charges.items,
		// a big fleet shows its first servers here and a count
		servers: serverCount > 1 ? servers : [],
		serverCount,
		refreshSeconds: 30,
		signOut: Boolean(locals.ctx.app.config.adminToken)
	};
};
