import { redirect } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { SESSION_COOKIE, sessionCookieOptions } from '$lib/server/auth/sessions';
import { invitationState, redeemInvitation } from '$lib/server/customers/invitations';
import { invitationRefusedPage, REFUSAL_STATUS } from '$lib/server/customers/invitation-page';
import { getApp } from '$lib/server/runtime';

/**
 * Opening an invitation link: a valid one is used up, starts the customer's session (the
 * operator's cookie rules) and lands on the portal; a used, expired or unknown one says which.
 * Unknown tokens count against the client's failure budget, like wrong sign-in tokens.
 */
export const GET: RequestHandler = async ({ params, cookies, url, locals }) => {
	const app = getApp();
	const { clientKey, locale } = locals.ctx;
	const waitSeconds = app.limits.blockedFor(clientKey);
	if (waitSeconds) return invitationRefusedPage('too-many', locale, waitSeconds);
	const redemption = await redeemInvitation(app.store, params.token, app.clock());
	if (!redemption.ok) {
		app.logger.warn({ client: clientKey, reason: redemption.reason }, 'refused invitation link');
		const after = redemption.reason === 'unknown' ? await app.limits.failed(clientKey) : undefined;
		return after ? invitationRefusedPage('too-many', locale, after) : invitationRefusedPage(redemption.reason, locale);
	}
	// whoever was signed in in this browser before (the operator trying the link, say) is signed out
	await app.sessions.end(cookies.get(SESSION_COOKIE));
	const session = await app.sessions.create(redemption.customerId);
	cookies.set(SESSION_COOKIE, session.token, sessionCookieOptions(url.protocol === 'https:', session.expiresAt));
	app.logger.info({ customerId: redemption.customerId }, 'customer signed in from an invitation');
	redirect(303, '/');
};

/** A HEAD (a link preview, a mail scanner) says whether the link works without using it up. */
export const HEAD: RequestHandler = async ({ params, locals }) => {
	const app = getApp();
	if (app.limits.blockedFor(locals.ctx.clientKey)) return new Response(null, { status: 429 });
	const state = await invitationState(app.store, params.token, app.clock());
	if (state === 'unknown') await app.limits.failed(locals.ctx.clientKey);
	return new Response(null, { status: state === 'valid' ? 200 : REFUSAL_STATUS[state], headers: { 'cache-control': 'no-store' } });
};
