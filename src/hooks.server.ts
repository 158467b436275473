import { redirect, type Handle, type HandleServerError, type ServerInit } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { env } from '$env/dynamic/private';
import { App } from '$lib/server/app';
import { SESSION_COOKIE } from '$lib/server/auth/sessions';
import { loadConfig } from '$lib/server/config';
import { createContext } from '$lib/server/http/context';
import { FOREIGN_HOST_MESSAGE, hostAllowed } from '$lib/server/http/host';
import { publishFastApi } from '$lib/server/http/fast-api';
import { newRequestId } from '$lib/server/http/request-id';
import { getApp, setApp } from '$lib/server/runtime';

/** Parses the configuration (a bad value stops start-up, naming the variable) and opens the app once. */
export const init: ServerInit = async () => {
	setApp(await App.open(loadConfig(env)));
	publishFastApi(getApp(), env); // production serves /api on a faster route (scripts/start.mjs); it mirrors the hooks below
};

/** Who is asking, in which language: the context every procedure and page load receives. */
const context: Handle = async ({ event, resolve }) => {
	const chosen = event.url.searchParams.get('lang');
	if (chosen === 'en' || chosen === 'ja') {
		event.cookies.set('lang', chosen, { path: '/', httpOnly: false, sameSite: 'lax', maxAge: 60 * 60 * 24 * 365 });
	}
	event.locals.ctx = await createContext(getApp(), {
		authorization: event.request.headers.get('authorization'),
		sessionToken: event.cookies.get(SESSION_COOKIE),
		cookieLocale: chosen ?? event.cookies.get('lang'),
		acceptLanguage: event.request.headers.get('accept-language'),
		clientAddress: event.getClientAddress()
	});
	return resolve(event, { transformPageChunk: ({ html }) => html.replace('%lang%', event.locals.ctx.locale) });
};

/** Paths anyone may reach: the webhook checks Stripe's signature itself, /healthz says nothing private. */
const OPEN = ['/webhooks/stripe', '/healthz', '/signin'];

/** Pages need a signed-in operator once ADMIN_TOKEN is set; the API answers 401 itself (per procedure). */
const signIn: Handle = ({ event, resolve }) => {
	const path = event.url.pathname;
	// exports answer 401 themselves, like the API: a script downloading CSV wants a status, not a sign-in page
	const isPage = !path.startsWith('/api/') && !path.startsWith('/export/') && !path.startsWith('/_app/') && !OPEN.includes(path);
	if (isPage && event.locals.ctx.auth.role !== 'admin' && event.request.method === 'GET') {
		redirect(303, `/signin?next=${encodeURIComponent(path + event.url.search)}`);
	}
	return resolve(event);
};

/** Loopback-only mode answers loopback host names only (see http/host.ts: DNS rebinding). */
const guardHost: Handle = ({ event, resolve }) => {
	if (!hostAllowed(getApp().config.adminToken, event.request.headers.get('host'))) {
		return Response.json({ error: FOREIGN_HOST_MESSAGE }, { status: 403 });
	}
	return resolve(event);
};

/** Bodies are small JSON (or Stripe events): refuse big ones before reading them. */
const MAX_BODY_BYTES = 512 * 1024;
const bodyLimit: Handle = ({ event, resolve }) => {
	const length = Number(event.request.headers.get('content-length') ?? 0);
	if (length > MAX_BODY_BYTES) {
		return Response.json({ error: `Request body too large: at most ${MAX_BODY_BYTES / 1024} KB` }, { status: 413 });
	}
	return resolve(event);
};

const securityHeaders: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	response.headers.set('x-content-type-options', 'nosniff');
	response.headers.set('referrer-policy', 'strict-origin-when-cross-origin');
	response.headers.set('x-frame-options', 'DENY');
	if (event.url.protocol === 'https:') response.headers.set('strict-transport-security', 'max-age=31536000');
	return response;
};

/** One structured line per request at debug level (DEBUG=True); failures at warn/error always. */
const logRequests: Handle = async ({ event, resolve }) => {
	const started = performance.now();
	const response = await resolve(event);
	const ctx = event.locals.ctx;
	const level = response.status >= 500 ? 'error' : response.status === 429 ? 'warn' : 'debug';
	ctx?.app.logger[level](
		{
			requestId: ctx.requestId,
			method: event.request.method,
			path: event.url.pathname,
			status: response.status,
			ms: Math.round((performance.now() - started) * 10) / 10
		},
		'request'
	);
	return response;
};

export const handle = sequence(securityHeaders, guardHost, bodyLimit, context, logRequests, signIn);

/** The unexpected: logged in full with a request id; the client sees only the id. */
export const handleError: HandleServerError = ({ error, event, status }) => {
	const requestId = event.locals.ctx?.requestId ?? newRequestId();
	if (status >= 500) getApp().logger.error({ err: error, requestId, path: event.url.pathname }, 'request failed');
	return { message: status >= 500 ? `Internal error (id ${requestId})` : status === 404 ? 'Not found' : 'Request failed' };
};
