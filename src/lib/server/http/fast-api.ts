import type { IncomingMessage, ServerResponse } from 'node:http';
import type { App } from '../app';
import { createContext, type Context } from '../trpc/context';
import { parseInputs, queries } from '../trpc/http-queries';
import { billingStatusBody, jsonReply, uptimeBody, type JsonReply } from '../trpc/prototype';
import { QUERY_NAMES } from '../trpc/router';
import { AnswerCache } from '../answer-cache';
import { cookieValue, nodeRequestReader } from './node-request';
import { chosenLocale, contextFacts, hostAllowed, logRequest, securityHeaders } from './request-policy';

/** adapter-node's handler signature: answer, or call `next` to let SvelteKit answer. */
export type NodeHandler = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;
/** a JSON answer, or a rendered page's bytes */
type Reply = Omit<JsonReply, 'body'> & { body: string | Uint8Array };
type Answer = (ctx: Context) => Reply | Promise<Reply> | undefined;

const TRPC_PATH = /^\/api\/trpc\/([\w$]+(?:,[\w$]+)*)$/;
/** printable ASCII without '#': read here exactly as `new URL` reads it for SvelteKit and tRPC */
const PLAIN_URL = /^[\x21-\x22\x24-\x7e]*$/;

/**
 * Hot reads without SvelteKit's per-request Request/Response: GET queries on /api/trpc (one or a batch, through createCaller)
 * and the prototype's GET /api/billing-status and /api/uptime, under the hooks' request policy, with the routes' bytes
 * (fast-path.spec.ts); and `GET /` when this second's page for the viewer is already rendered (page-cache.ts). All else —
 * other methods, bodies, unknown or non-query procedures, unparsable input, streaming, `?lang=`, proxy setups not plainly
 * read — goes to SvelteKit untouched.
 */
export function createFastApi(app: App, env: Record<string, string | undefined>): NodeHandler | undefined {
	const reader = nodeRequestReader(env);
	if (!reader) return undefined;
	const cache = new AnswerCache(app);
	return (req, res, next) => {
		const url = req.url ?? '';
		if (req.method !== 'GET' || !PLAIN_URL.test(url) || hasBody(req) || !hostAllowed(app.config.adminToken, req.headers.host))
			return next();
		const q = url.indexOf('?');
		const path = q === -1 ? url : url.slice(0, q);
		const params = new URLSearchParams(q === -1 ? '' : url.slice(q + 1));
		const https = reader.https(req);
		const address = reader.clientAddress(req);
		if (https === undefined || address === undefined || chosenLocale(params)) return next();
		const origin = path === '/' ? reader.origin(req, https) : undefined;
		const answer = origin ? page(app, origin + url, req) : route(cache, path, params, req);
		if (!answer) return next();
		const header = (name: string) => (req.headers[name] as string | undefined) ?? null;
		const facts = contextFacts({ header, cookie: (name) => cookieValue(req.headers.cookie, name) }, address, undefined, origin);
		createContext(app, facts).then((ctx) => {
			const started = performance.now();
			const done = (reply: Reply) => {
				send(res, reply, https);
				logRequest(app.logger, { requestId: ctx.requestId, method: 'GET', path, status: reply.status, started, fastPath: true });
			};
			const fail = (error: unknown) => {
				app.logger.error({ err: error, requestId: ctx.requestId, path }, 'request failed');
				done({ status: 500, headers: { 'content-type': 'text/plain;charset=UTF-8' }, body: `Internal error (id ${ctx.requestId})` });
			};
			let reply: Reply | Promise<Reply> | undefined;
			try {
				reply = answer(ctx);
			} catch (error) {
				return fail(error);
			}
			if (reply instanceof Promise) reply.then(done, fail);
			else if (reply) done(reply);
			else next();
		}, next); // nothing answered yet: SvelteKit builds the context again and reports the failure its way
	};
}

/** The dashboard or portal as rendered this second for this viewer (page-cache.ts), if it is; SvelteKit renders the rest. */
function page(app: App, href: string, req: IncomingMessage): Answer | undefined {
	if (req.headers['if-none-match'] !== undefined) return undefined; // SvelteKit's 304
	return (ctx) => {
		const ready = ctx.auth.role === 'admin' || ctx.auth.role === 'customer' ? app.pages.ready(ctx, new URL(href).href) : undefined;
		return ready && { status: ready.status, headers: Object.fromEntries(ready.headers), body: new Uint8Array(ready.body) };
	};
}

function route(cache: AnswerCache, path: string, params: URLSearchParams, req: IncomingMessage): Answer | undefined {
	if (path === '/api/billing-status') return (ctx) => cache.answer(ctx, path, () => jsonReply(ctx, () => billingStatusBody(ctx)));
	if (path === '/api/uptime') return (ctx) => jsonReply(ctx, () => uptimeBody(ctx));
	const names = TRPC_PATH.exec(path)?.[1];
	const batch = params.get('batch') === '1';
	const calls = names === undefined ? [] : batch ? names.split(',') : [names];
	if (calls.length === 0 || !calls.every((name) => QUERY_NAMES.has(name))) return undefined;
	// streaming and connection parameters are tRPC's own business
	if (req.headers['trpc-accept'] !== undefined || req.headers.accept?.includes('jsonl') || params.has('connectionParams')) return undefined;
	const inputs = parseInputs(params.get('input'), batch);
	if (!inputs) return undefined;
	if (batch || calls[0] !== 'billingStatus') return (ctx) => queries(ctx, calls, inputs, batch);
	return (ctx) => cache.answer(ctx, `${path}?${params.get('input') ?? ''}`, () => queries(ctx, calls, inputs, batch));
}

/** A body (or the promise of one) is SvelteKit's to read and limit. */
const hasBody = ({ headers }: IncomingMessage) =>
	headers['transfer-encoding'] !== undefined || (headers['content-length'] ?? '0') !== '0' || headers['content-type'] !== undefined;

/** As adapter-node's setResponse writes: headers in the order a Headers object lists them, the body as one chunk. */
function send(res: ServerResponse, reply: Reply, https: boolean): void {
	const headers = [...Object.entries(reply.headers), ...securityHeaders(https)];
	res.writeHead(reply.status, headers.sort(([a], [b]) => (a < b ? -1 : 1)).flat());
	// corked: head, chunk and last chunk leave in one write, not two (the same bytes)
	res.cork();
	res.write(reply.body);
	res.end();
}
