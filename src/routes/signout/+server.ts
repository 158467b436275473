import { redirect } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { SESSION_COOKIE } from '$lib/server/auth/sessions';
import { getApp } from '$lib/server/runtime';

/** Ends the session server-side and clears the cookie; a customer lands on a page that tells them how to come back. */
export const POST: RequestHandler = async ({ cookies }) => {
	const token = cookies.get(SESSION_COOKIE);
	const session = await getApp().sessions.find(token);
	await getApp().sessions.end(token);
	cookies.delete(SESSION_COOKIE, { path: '/' });
	redirect(303, session?.customerId ? '/signin?signedOut=customer' : '/signin');
};
