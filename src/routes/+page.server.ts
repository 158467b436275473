import { fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { dashboardPage } from '$lib/server/pages/dashboard';
import { inviteAction, revokeAction } from '$lib/server/pages/invite';
import { portalPage } from '$lib/server/pages/portal';

/**
 * `/`: a customer's portal for a customer session; for the operator, the dashboard, or a
 * customer's portal as that customer sees it (`?customer=<id>`).
 */
export const load: PageServerLoad = async ({ locals, url, setHeaders }) => {
	setHeaders({ 'cache-control': 'no-store' });
	const { auth } = locals.ctx;
	const viewing = url.searchParams.get('customer');
	if (auth.role === 'customer') return portalPage(locals.ctx, auth.customerId);
	if (viewing !== null) return portalPage(locals.ctx, viewing);
	return dashboardPage(locals.ctx, url);
};

export const actions: Actions = {
	/** The customers table's Invite button: a single-use sign-in link, shown to copy (works without JavaScript). */
	invite: async ({ locals, request, url }) => {
		const customerId = (await request.formData()).get('customerId');
		if (typeof customerId !== 'string' || customerId === '') return fail(400, { invite: null, error: 'customerId is required' });
		return inviteAction(locals.ctx, customerId, url.origin);
	},
	/** The customers table's Revoke access button: unused links stop working, the customer's sessions end. */
	revoke: async ({ locals, request }) => {
		const customerId = (await request.formData()).get('customerId');
		if (typeof customerId !== 'string' || customerId === '') return fail(400, { invite: null, error: 'customerId is required' });
		return revokeAction(locals.ctx, customerId);
	}
};
