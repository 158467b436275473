import { fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { Limits } from '$lib/server/auth/limits';
import { SESSION_COOKIE } from '$lib/server/auth/sessions';
import { safeEqual } from '$lib/server/auth/tokens';
import { Failure } from '$lib/server/errors';
import { getApp } from '$lib/server/runtime';

/** Only a path on this site: never an open redirect. */
const safeNext = (next: string | null) => (next && next.startsWith('/') && !next.startsWith('//') ? next : '/');

export const load: PageServerLoad = ({ locals, url }) => {
	if (!getApp().config.adminToken || locals.ctx.auth.role === 'admin') redirect(303, safeNext(url.searchParams.get('next')));
	return { locale: locals.ctx.locale };
};

export const actions: Actions = {
	default: async ({ request, cookies, url, locals, setHeaders }) => {
		const app = getApp();
		const token = String((await request.formData()).get('token') ?? '');
		try {
			await Limits.take(app.limits.signIn, locals.ctx.clientKey, 'sign-in attempts');
		} catch (error) {
			if (!(error instanceof Failure)) throw error;
			setHeaders({ 'retry-after': String(error.details.retryAfterSeconds) });
			return fail(429, { error: error.message });
		}
		if (!app.config.adminToken || token.length > 500 || !safeEqual(token, app.config.adminToken)) {
			app.logger.warn({ client: locals.ctx.clientKey }, 'failed sign-in');
			return fail(401, { error: 'That token is not right.' });
		}
		await app.limits.signIn.delete(locals.ctx.clientKey);
		const session = await app.sessions.create();
		cookies.set(SESSION_COOKIE, session.token, {
			path: '/',
			httpOnly: true,
			sameSite: 'strict',
			secure: url.protocol === 'https:',
			expires: new Date(session.expiresAt)
		});
		redirect(303, safeNext(url.searchParams.get('next')));
	}
};
