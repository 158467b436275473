import { fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { SESSION_COOKIE, sessionCookieOptions } from '$lib/server/auth/sessions';
import { safeEqual } from '$lib/server/auth/tokens';
import { safeNext } from '$lib/server/auth/next-path';
import { getApp } from '$lib/server/runtime';

export const load: PageServerLoad = ({ locals, url }) => {
	if (!getApp().config.adminToken || locals.ctx.auth.role === 'admin') redirect(303, safeNext(url.searchParams.get('next')));
	return { locale: locals.ctx.locale, customerSignedOut: url.searchParams.get('signedOut') === 'customer' };
};

export const actions: Actions = {
	/** Wrong tokens count against this client's failure budget only (the same budget as wrong bearer tokens). */
	default: async ({ request, cookies, url, locals, setHeaders }) => {
		const app = getApp();
		const client = locals.ctx.clientKey;
		const tooMany = (seconds: number) => {
			setHeaders({ 'retry-after': String(seconds) });
			return fail(429, { error: `Too many attempts; try again in ${seconds} s` });
		};
		const waitSeconds = app.limits.blockedFor(client);
		if (waitSeconds) return tooMany(waitSeconds);
		// a malformed multipart body is the client's mistake, not a 500
		const form = await request.formData().catch(() => undefined);
		if (!form) return fail(400, { error: 'Send the token as a form field.' });
		const token = String(form.get('token') ?? '');
		if (!app.config.adminToken) redirect(303, safeNext(url.searchParams.get('next')));
		if (token.length > 500 || !safeEqual(token, app.config.adminToken)) {
			app.logger.warn({ client }, 'failed sign-in');
			const after = await app.limits.failed(client);
			return after ? tooMany(after) : fail(401, { error: 'That token is not right.' });
		}
		const session = await app.sessions.create();
		cookies.set(SESSION_COOKIE, session.token, sessionCookieOptions(url.protocol === 'https:', session.expiresAt));
		redirect(303, safeNext(url.searchParams.get('next')));
	}
};
