/** POST /v1/billing_portal/sessions — a link to Stripe's hosted customer portal (served by the double, pages.ts). */
import { newId, nowSeconds } from '../ids';
import { checkKnown, optString, reqString } from '../params';
import type { HandlerContext } from '../types';

const PARAMS = ['customer', 'customer_account', 'return_url', 'locale', 'configuration', 'flow_data', 'on_behalf_of'];

export function createPortalSession(ctx: HandlerContext) {
	checkKnown(ctx.params, PARAMS);
	const customer = ctx.state.load('customers', reqString(ctx.params, 'customer'), { inUrl: false });
	const id = newId('bps');
	return ctx.state.add('portalSessions', {
		id,
		object: 'billing_portal.session' as const,
		configuration: optString(ctx.params, 'configuration') ?? 'bpc_test_default',
		created: nowSeconds(),
		customer: customer.id,
		customer_account: null,
		flow: null,
		livemode: false,
		locale: optString(ctx.params, 'locale') ?? null,
		on_behalf_of: null,
		return_url: optString(ctx.params, 'return_url') ?? null,
		url: `${ctx.baseUrl}/billing_portal/session/${id}`
	});
}
