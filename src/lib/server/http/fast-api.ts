import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TRPCError } from '@trpc/server';
import type { App } from '../app';
import { retryAfter } from '../trpc/errors';
import { appRouter } from '../trpc/router';
import { createContext } from './context';
import { hostAllowed } from './host';
import { jsonReply } from './json';
import { isCrossSite, nodeRequestOrigin } from './policy';
import { adapterOptions, bodyReader, clientAddress, isHttps, requestFacts, type AdapterOptions } from './node-request';
import { billingStatusBody, uptimeBody } from './prototype';
import { planCall, resolveCall, type Reply } from './trpc-resolver';

/** adapter-node's handler signature: answer, or call `next` to let SvelteKit answer. */
export type NodeHandler = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

const KEY = Symbol.for('server-billing.fast-api');

/**
 * Makes the fast path available to the production server (scripts/start.mjs), built inside
 * the SvelteKit bundle so it shares the one App, router and modules with the routes.
 */
export function publishFastApi(app: App, env: Record<string, string | undefined>): void {
	(globalThis as { [KEY]?: NodeHandler })[KEY] = createFastApi(app, env);
}

const TRPC_PATH = /^\/api\/trpc\/([A-Za-z_$][\w$]*(?:[.,][A-Za-z_$][\w$]*)*)$/;
/** printable ASCII without '#': parsed here exactly as `new URL` parses it for SvelteKit and tRPC */
const PLAIN_URL = /^[\x21-\x22\x24-\x7e]*$/;
const JSON_BODY = /^application\/json$/;
/** API calls are JSON well within the body limits (a batch of 1,000 heartbeats is ~100 KB); bigger ones take SvelteKit's path and its size checks */
const FAST_BODY_BYTES = 256 * 1024;

/**
 * The API without SvelteKit's per-request Fetch Request/Response round trip: /api/trpc/*,
 * GET /api/billing-status and GET /api/uptime, with the same context, envelope, status and
 * headers as the SvelteKit routes (src/routes/api/…, hooks.server.ts). Whatever it cannot
 * answer identically — streaming, subscriptions, odd URLs or headers, a `lang` switch, a
 * body without a small Content-Length, a context that fails — goes to SvelteKit untouched.
 */
export function createFastApi(app: App, env: Record<string, string | undefined>): NodeHandler | undefined {
	const options = adapterOptions(env);
	if (!options) return undefined;
	return (req, res, next) => {
		const url = req.url ?? '';
		const method = req.method;
		if ((method !== 'GET' && method !== 'POST') || !url.startsWith('/api/') || !PLAIN_URL.test(url) || !smallBody(req, method))
			return next();
		// a foreign Host in loopback-only mode: SvelteKit's hook refuses it
		if (!hostAllowed(app.config.adminToken, req.headers.host)) return next();
		const q = url.indexOf('?');
		const pathname = q === -1 ? url : url.slice(0, q);
		const searchParams = new URLSearchParams(q === -1 ? '' : url.slice(q + 1));
		// ?lang= makes the hook set a cookie: SvelteKit's job
		if (searchParams.has('lang')) return next();
		let answer: ((ctx: Awaited<ReturnType<typeof createContext>>) => Promise<Reply>) | undefined;
		const trpcPath = TRPC_PATH.exec(pathname)?.[1];
		if (trpcPath !== undefined) {
			if (!plainTrpcRequest(req, method, options)) return next();
			const call = planCall(appRouter, method, trpcPath, searchParams);
			if (!call) return next();
			const readBody = bodyReader(req);
			answer = (ctx) => resolveCall(appRouter, call, ctx, readBody, retryHeader);
		} else if (method === 'GET' && pathname === '/api/billing-status') {
			answer = (ctx) => jsonReply(ctx, () => billingStatusBody(ctx)).then(toReply);
		} else if (method === 'GET' && pathname === '/api/uptime') {
			answer = (ctx) => jsonReply(ctx, () => uptimeBody(ctx)).then(toReply);
		} else return next();
		const https = isHttps(req, options);
		const address = clientAddress(req, options);
		if (https === undefined || (address === undefined && options.addressHeader)) return next();
		// another site's state change: SvelteKit's hook refuses it (one rule, http/policy.ts)
		if (isCrossSite(nodeRequestOrigin(req), () => options.origin?.origin ?? `${https ? 'https' : 'http'}://${req.headers.host}`))
			return next();
		const run = answer;
		createContext(app, requestFacts(req, address!)).then(
			(ctx) => {
				const started = performance.now();
				const done = (reply: Reply) => {
					send(res, reply, https);
					logRequest(app, ctx.requestId, method, pathname, reply.status, started);
				};
				run(ctx).then(done, (error) => {
					app.logger.error({ err: error, requestId: ctx.requestId, path: pathname }, 'request failed');
					done({ status: 500, headers: { 'content-type': 'text/plain;charset=UTF-8' }, body: `Internal error (id ${ctx.requestId})` });
				});
			},
			// nothing is read or answered yet: SvelteKit builds the context again and reports the failure its way
			() => next()
		);
	};
}

/** A GET without a body, a POST with a small Content-Length: nothing any body-size rule would refuse. */
function smallBody(req: IncomingMessage, method: string): boolean {
	const length = req.headers['content-length'];
	if (req.headers['transfer-encoding'] !== undefined) return false;
	if (method === 'GET') return length === undefined || length === '0';
	return length !== undefined && /^\d{1,9}$/.test(length) && Number(length) <= FAST_BODY_BYTES;
}

/** What tRPC's own adapter would take differently: streaming, content types other than JSON. */
function plainTrpcRequest(req: IncomingMessage, method: string, options: AdapterOptions): boolean {
	const h = req.headers;
	if (h['trpc-accept'] !== undefined || h.accept?.includes('application/jsonl')) return false;
	const type = h['content-type'];
	if (method === 'GET' && type === undefined) return true;
	return type !== undefined && JSON_BODY.test(mediaType(type)) && Number(h['content-length'] ?? 0) <= options.bodySizeLimit;
}

const mediaType = (type: string) => type.toLowerCase().split(';', 1)[0].trim();

const retryHeader = (errors: TRPCError[]): Record<string, string> => {
	const seconds = retryAfter(errors);
	return seconds ? { 'retry-after': String(seconds) } : {};
};

const toReply = (reply: { status: number; body: unknown; headers?: Record<string, string> }): Reply => ({
	status: reply.status,
	headers: { ...reply.headers, 'content-type': 'application/json' },
	body: JSON.stringify(reply.body)
});

/** The request log line of hooks.server.ts (debug; 429 warn; 5xx error), marked as served here. */
function logRequest(app: App, requestId: string, method: string, path: string, status: number, started: number): void {
	const level = status >= 500 ? 'error' : status === 429 ? 'warn' : 'debug';
	if (!app.logger.isLevelEnabled(level)) return;
	app.logger[level](
		{ requestId, method, path, status, ms: Math.round((performance.now() - started) * 10) / 10, fastPath: true },
		'request'
	);
}

/** The headers hooks.server.ts adds to every response (keep the two in step; the fast-path test compares them). */
function securityHeaders(headers: Record<string, string>, https: boolean): void {
	headers['x-content-type-options'] = 'nosniff';
	headers['referrer-policy'] = 'strict-origin-when-cross-origin';
	headers['x-frame-options'] = 'DENY';
	if (https) headers['strict-transport-security'] = 'max-age=31536000';
}

/** Writes the reply as SvelteKit's setResponse does: headers in the order a Headers object lists them, one chunk. */
function send(res: ServerResponse, reply: Reply, https: boolean): void {
	res.writeHead(reply.status, headerList(reply.headers, https));
	res.write(reply.body);
	res.end();
}

/** Most answers carry the same headers: their sorted lists are made once. */
const commonLists = new Map<string, string[]>();

function headerList(own: Record<string, string>, https: boolean): string[] {
	const names = Object.keys(own);
	// only content-type and vary: the same few lists over and over
	const common = names.every((name) => name === 'content-type' || name === 'vary');
	const key = `${https}|${own['content-type']}|${own.vary ?? ''}`;
	if (common) {
		const known = commonLists.get(key);
		if (known) return known;
	}
	const headers = { ...own };
	securityHeaders(headers, https);
	const flat: string[] = [];
	for (const name of Object.keys(headers).sort()) flat.push(name, headers[name]);
	if (common && commonLists.size < 16) commonLists.set(key, flat);
	return flat;
}
