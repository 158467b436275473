import type { PageServerLoad } from './$types';
import { createCaller } from '$lib/server/trpc/router';

/** The first HTML already shows the numbers; the page then refreshes them itself. */
export const load: PageServerLoad = async ({ locals, url, setHeaders }) => {
	setHeaders({ 'cache-control': 'no-store' });
	const caller = createCaller(locals.ctx);
	const serverId = url.searchParams.get('server') ?? undefined;
	const [status, charges, servers] = await Promise.all([
		caller.billingStatus({ serverId }),
		caller.charges({ serverId, limit: 20 }),
		caller.servers()
	]);
	return {
		locale: locals.ctx.locale,
		status,
		charges: charges.items,
		servers: servers.length > 1 ? servers : [],
		refreshSeconds: 30,
		signOut: Boolean(locals.ctx.app.config.adminToken)
	};
};
