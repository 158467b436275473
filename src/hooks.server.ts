import type { Handle, ServerInit } from '@sveltejs/kit';
import { env } from '$env/dynamic/private';
import { App } from '$lib/server/app';
import { loadConfig } from '$lib/server/config';
import { contextFor } from '$lib/server/http/context';
import { getApp, setApp } from '$lib/server/runtime';

/** Parses the configuration (a bad value stops start-up, naming the variable) and opens the app once. */
export const init: ServerInit = async () => {
	const config = loadConfig(env);
	setApp(await App.open(config));
};

export const handle: Handle = async ({ event, resolve }) => {
	const app = getApp();
	const chosen = event.url.searchParams.get('lang');
	if (chosen === 'en' || chosen === 'ja') {
		event.cookies.set('lang', chosen, { path: '/', httpOnly: false, sameSite: 'lax', maxAge: 60 * 60 * 24 * 365 });
	}
	event.locals.ctx = contextFor(app, {
		authorization: event.request.headers.get('authorization'),
		cookieLocale: chosen ?? event.cookies.get('lang'),
		acceptLanguage: event.request.headers.get('accept-language'),
		clientAddress: event.getClientAddress()
	});
	const response = await resolve(event, {
		transformPageChunk: ({ html }) => html.replace('%lang%', event.locals.ctx.locale)
	});
	response.headers.set('x-content-type-options', 'nosniff');
	response.headers.set('referrer-policy', 'strict-origin-when-cross-origin');
	response.headers.set('x-frame-options', 'DENY');
	return response;
};
