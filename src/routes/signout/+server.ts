import { redirect } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { SESSION_COOKIE } from '$lib/server/auth/sessions';
import { getApp } from '$lib/server/runtime';

/** Ends the session server-side and clears the cookie. */
export const POST: RequestHandler = async ({ cookies }) => {
	await getApp().sessions.end(cookies.get(SESSION_COOKIE));
	cookies.delete(SESSION_COOKIE, { path: '/' });
	redirect(303, '/signin');
};
