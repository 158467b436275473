import { redirect, type Handle, type HandleServerError, type RequestEvent, type ServerInit } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { env } from '$env/dynamic/private';
import { App } from '$lib/server/app';
import { CROSS_SITE_MESSAGE, isCrossSite } from '$lib/server/auth/cross-site';
import { loadConfig } from '$lib/server/config';
import { createFastApi } from '$lib/server/http/fast-api';
import * as policy from '$lib/server/http/request-policy';
import { newRequestId } from '$lib/server/log';
import { createContext } from '$lib/server/trpc/context';
import { getApp, setApp, setFastApi } from '$lib/server/runtime';

/** Parses the configuration (a bad value stops start-up, naming the variable) and opens the app once. */
export const init: ServerInit = async () => {
	setApp(await App.open(loadConfig(env)));
	setFastApi(createFastApi(getApp(), env)); // production serves hot GETs on a faster route (scripts/start.mjs), same request policy
};

/** Who is asking, in which language: the context every procedure and page load receives. */
const context: Handle = async ({ event, resolve }) => {
	const chosen = policy.chosenLocale(event.url.searchParams);
	if (chosen) event.cookies.set(policy.LANG_COOKIE, chosen, policy.LANG_COOKIE_OPTIONS);
	const read = { header: (name: string) => event.request.headers.get(name), cookie: (name: string) => event.cookies.get(name) };
	event.locals.ctx = await createContext(getApp(), policy.contextFacts(read, clientAddress(event), chosen, event.url.origin));
	return resolve(event, { transformPageChunk: ({ html }) => html.replace('%lang%', event.locals.ctx.locale) });
};

/**
 * The client's address as adapter-node reads it (ADDRESS_HEADER and XFF_DEPTH behind a proxy).
 * A request without that header did not come through the proxy (a health probe, say): it is
 * counted as one anonymous client rather than answered with a 500.
 */
function clientAddress(event: RequestEvent): string {
	try {
		return event.getClientAddress();
	} catch {
		return 'unknown';
	}
}

/**
 * Paths anyone may reach: the webhook checks Stripe's signature itself, /healthz says nothing private, /agent.mjs is code
 * with no secret, an invitation link (/invite/<token>) is its own credential.
 */
const OPEN = ['/webhooks/stripe', '/healthz', '/signin', '/agent.mjs'];
const OPEN_PREFIXES = ['/api/', '/export/', '/_app/', '/invite/'];

/**
 * Pages need a signed-in operator or customer once ADMIN_TOKEN is set (a customer's pages scope themselves through the
 * API); the API answers 401 itself (per procedure).
 */
const signIn: Handle = ({ event, resolve }) => {
	const path = event.url.pathname;
	// exports answer 401 themselves, like the API: a script downloading CSV wants a status, not a sign-in page
	const isPage = !OPEN_PREFIXES.some((prefix) => path.startsWith(prefix)) && !OPEN.includes(path);
	const read = event.request.method === 'GET' || event.request.method === 'HEAD';
	const role = event.locals.ctx.auth.role;
	if (isPage && role !== 'admin' && role !== 'customer' && read) {
		redirect(303, `/signin?next=${encodeURIComponent(path + event.url.search)}`);
	}
	return resolve(event);
};

/** Loopback-only mode answers loopback host names only (see request-policy.ts: DNS rebinding). */
const guardHost: Handle = ({ event, resolve }) => {
	if (!policy.hostAllowed(getApp().config.adminToken, event.request.headers.get('host'))) {
		return Response.json({ error: policy.FOREIGN_HOST_MESSAGE }, { status: 403 });
	}
	return resolve(event);
};

/** A state change from another site is refused on every route (auth/cross-site.ts). */
const refuseCrossSite: Handle = ({ event, resolve }) => {
	const headers = event.request.headers;
	const request = { method: event.request.method, origin: headers.get('origin'), secFetchSite: headers.get('sec-fetch-site') };
	if (isCrossSite(request, () => event.url.origin))
		return Response.json({ error: CROSS_SITE_MESSAGE, code: 'CROSS_SITE' }, { status: 403 });
	return resolve(event);
};

/** `?/default` names SvelteKit's reserved action, which it reports as a server error: it is the client's mistake. */
const refuseReservedAction: Handle = ({ event, resolve }) => {
	if (event.request.method === 'POST') {
		const named = [...event.url.searchParams.keys()].find((key) => key.startsWith('/'));
		if (named === '/default') return Response.json({ error: 'No form action named "default"' }, { status: 400 });
	}
	return resolve(event);
};

const bodyLimit: Handle = ({ event, resolve }) => {
	if (policy.bodyTooLarge(event.request.headers.get('content-length'))) {
		return Response.json({ error: policy.BODY_TOO_LARGE_MESSAGE }, { status: 413 });
	}
	return resolve(event);
};

const securityHeaders: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	for (const [name, value] of policy.securityHeaders(event.url.protocol === 'https:')) response.headers.set(name, value);
	return response;
};

/** The dashboard, rendered once a second per viewer (page-cache.ts); a conditional request goes to SvelteKit for its 304. */
const cachePages: Handle = ({ event, resolve }) => {
	const { method, headers } = event.request;
	if (method !== 'GET' || event.url.pathname !== '/' || headers.has('if-none-match') || policy.chosenLocale(event.url.searchParams))
		return resolve(event);
	return getApp().pages.page(event.locals.ctx, event.url.href, () => Promise.resolve(resolve(event)));
};

const logRequests: Handle = async ({ event, resolve }) => {
	const started = performance.now();
	const response = await resolve(event);
	const { ctx } = event.locals;
	const { method } = event.request;
	if (ctx)
		policy.logRequest(ctx.app.logger, { requestId: ctx.requestId, method, path: event.url.pathname, status: response.status, started });
	return response;
};

export const handle = sequence(
	securityHeaders,
	guardHost,
	refuseCrossSite,
	bodyLimit,
	refuseReservedAction,
	context,
	logRequests,
	signIn,
	cachePages
);

/** The unexpected: logged in full with a request id; the client sees only the id. */
export const handleError: HandleServerError = ({ error, event, status }) => {
	const requestId = event.locals.ctx?.requestId ?? newRequestId();
	if (status >= 500) getApp().logger.error({ err: error, requestId, path: policy.loggedPath(event.url.pathname) }, 'request failed');
	return { message: status >= 500 ? `Internal error (id ${requestId})` : status === 404 ? 'Not found' : 'Request failed' };
};
