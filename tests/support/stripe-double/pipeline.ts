/**
 * One HTTP request through the double: CORS → log → injected faults → auth → route →
 * idempotency → handler → response → webhooks (after the response).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { amountTooSmall } from './amounts';
import { authenticate, type AuthConfig } from './auth';
import { StripeDoubleError, apiError, errorPayload, idempotencyInUse, idempotencyMismatch, rateLimited, unrecognizedUrl } from './errors';
import type { Faults } from './faults';
import { decodeForm, deepClone, stableStringify } from './form';
import { newId } from './ids';
import type { IdempotencyStore } from './idempotency';
import type { RateLimit } from './rate-limit';
import { render } from './lists';
import { servePage } from './pages';
import { matchRoute } from './routes';
import type { State } from './state';
import type { ApiObject, AuthInfo, Params, RequestLogEntry } from './types';
import { API_VERSION, type Webhooks } from './webhooks';

export interface Runtime {
	state: State;
	faults: Faults;
	idempotency: IdempotencyStore;
	webhooks: Webhooks;
	auth: AuthConfig;
	log: RequestLogEntry[];
	latencyMs(): number;
	searchLagMs(): number;
	baseUrl(): string;
	/** Stripe's rate limit, when the double was started with one */
	rateLimit?: RateLimit;
	/** keep the response open without answering (until close/reset) */
	hold(res: ServerResponse): void;
}

interface Outcome {
	status: number;
	body: string;
	headers?: Record<string, string>;
	replayed?: boolean;
	events?: { type: string; object: ApiObject }[];
}

const MAX_BODY_BYTES = 1_000_000;

function header(req: IncomingMessage, name: string): string | null {
	const v = req.headers[name];
	return (Array.isArray(v) ? v[0] : v) ?? null;
}

function setBaseHeaders(res: ServerResponse, req: IncomingMessage, requestId: string): void {
	res.setHeader('Request-Id', requestId);
	res.setHeader('Stripe-Version', header(req, 'stripe-version') ?? API_VERSION);
	res.setHeader('Cache-Control', 'no-cache, no-store');
	res.setHeader('Access-Control-Allow-Origin', '*');
	res.setHeader('Access-Control-Allow-Methods', 'GET, POST, DELETE, OPTIONS');
	res.setHeader(
		'Access-Control-Allow-Headers',
		header(req, 'access-control-request-headers') ?? 'Authorization, Content-Type, Idempotency-Key, Stripe-Version, Stripe-Account'
	);
	res.setHeader(
		'Access-Control-Expose-Headers',
		'Request-Id, Stripe-Version, Idempotency-Key, Idempotent-Replayed, Original-Request, Stripe-Should-Retry'
	);
	res.setHeader('Access-Control-Max-Age', '300');
}

function readBody(req: IncomingMessage): Promise<string> {
	return new Promise((resolve) => {
		const chunks: Buffer[] = [];
		let size = 0;
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size <= MAX_BODY_BYTES) chunks.push(chunk);
		});
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		req.on('error', () => resolve(''));
	});
}

function errorOutcome(err: unknown, requestId: string): Outcome {
	const error = err instanceof StripeDoubleError ? err : apiError();
	if (!(err instanceof StripeDoubleError)) console.error('[stripe-double] handler crashed:', err);
	return { status: error.statusCode, body: JSON.stringify(errorPayload(error, requestId), null, 2) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function execute(rt: Runtime, req: IncomingMessage, entry: RequestLogEntry, params: Params): Promise<Outcome> {
	const match = matchRoute(entry.method, entry.path);
	const auth: AuthInfo = authenticate(header(req, 'authorization') ?? undefined, params, rt.auth, match?.route.clientSide ?? false);
	if (!match) throw unrecognizedUrl(entry.method, entry.path);
	const { key: _publishableKey, ...handlerParams } = params;
	const events: Outcome['events'] = [];
	const emit = (type: string, object: ApiObject) => events.push({ type, object: deepClone(object) });
	const run = async (): Promise<Outcome> => {
		if (rt.latencyMs() > 0) await sleep(rt.latencyMs());
		try {
			const result = match.route.handler({
				params: handlerParams,
				id: match.id,
				state: rt.state,
				auth,
				emit,
				baseUrl: rt.baseUrl(),
				searchLagMs: rt.searchLagMs()
			});
			return { status: 200, body: JSON.stringify(render(result, handlerParams, rt.state), null, 2), events };
		} catch (err) {
			return { ...errorOutcome(err, entry.requestId), events };
		}
	};
	return entry.idempotencyKey && entry.method === 'POST' ? runIdempotently(rt, entry, params, run) : run();
}

/** Stripe saves results of requests that started executing: successes, card errors and 500s — not validation errors. */
const isStorable = (status: number) => status < 400 || status === 402 || status >= 500;

/** A replayed 500 will answer 500 again for 24 h: Stripe tells clients not to retry it. */
function replayHeaders(result: { status: number; requestId: string }): Record<string, string> {
	const headers: Record<string, string> = { 'Idempotent-Replayed': 'true', 'Original-Request': result.requestId };
	if (result.status >= 500) headers['Stripe-Should-Retry'] = 'false';
	return headers;
}

async function runIdempotently(rt: Runtime, entry: RequestLogEntry, params: Params, run: () => Promise<Outcome>): Promise<Outcome> {
	const key = entry.idempotencyKey!;
	const admission = rt.idempotency.admit(key, stableStringify({ method: entry.method, path: entry.path, params }));
	if (admission.kind === 'mismatch') throw idempotencyMismatch(key);
	if (admission.kind === 'in_use') throw idempotencyInUse(key);
	if (admission.kind === 'replay') {
		const { status, body } = admission.result;
		return { status, body, replayed: true, headers: replayHeaders(admission.result) };
	}
	let outcome: Outcome | undefined;
	try {
		outcome = await run();
	} finally {
		if (outcome && isStorable(outcome.status)) {
			rt.idempotency.save(key, { status: outcome.status, body: outcome.body, requestId: entry.requestId });
		} else {
			rt.idempotency.release(key);
		}
	}
	return outcome;
}

function send(res: ServerResponse, entry: RequestLogEntry, outcome: Outcome): void {
	entry.status = outcome.status;
	entry.replayed = outcome.replayed ?? false;
	if (res.destroyed || res.writableEnded) return;
	const headers: Record<string, string> = { 'Content-Type': 'application/json', ...outcome.headers };
	if (entry.idempotencyKey) headers['Idempotency-Key'] = entry.idempotencyKey;
	res.writeHead(outcome.status, headers);
	res.end(outcome.body);
}

function logRequest(rt: Runtime, req: IncomingMessage, requestId: string, method: string, url: URL, body: Params): RequestLogEntry {
	const entry: RequestLogEntry = {
		requestId,
		method,
		path: url.pathname,
		query: decodeForm(url.search.slice(1)),
		idempotencyKey: header(req, 'idempotency-key'),
		stripeVersion: header(req, 'stripe-version'),
		body,
		status: null,
		replayed: false,
		fault: null,
		time: Date.now()
	};
	rt.log.push(entry);
	return entry;
}

export async function handleRequest(rt: Runtime, req: IncomingMessage, res: ServerResponse): Promise<void> {
	const requestId = newId('req', 14);
	const method = (req.method ?? 'GET').toUpperCase();
	setBaseHeaders(res, req, requestId);
	if (method === 'OPTIONS') {
		res.writeHead(204).end();
		return;
	}
	const url = new URL(req.url ?? '/', 'http://stripe-double');
	if (method === 'GET' && !url.pathname.startsWith('/v1/') && servePage(rt.state, url.pathname, res)) return;
	const raw = await readBody(req);
	const entry = logRequest(rt, req, requestId, method, url, method === 'POST' ? decodeForm(raw) : {});
	const fault = (entry.fault = rt.faults.take(method, url.pathname));
	if (fault === 'drop') return void req.socket.destroy();
	if (fault === 'timeout') return rt.hold(res);
	if (fault === 500) return send(res, entry, errorOutcome(apiError(), requestId));
	if (fault === 429) return send(res, entry, errorOutcome(rateLimited(), requestId));
	if (fault === 'amount-too-small') {
		return send(res, entry, errorOutcome(amountTooSmall(Number(entry.body.amount), String(entry.body.currency)), requestId));
	}
	if (rt.rateLimit?.refuses(res)) return send(res, entry, errorOutcome(rateLimited(), requestId));

	let outcome: Outcome;
	try {
		outcome = await execute(rt, req, entry, method === 'POST' ? entry.body : entry.query);
	} catch (err) {
		outcome = errorOutcome(err, requestId);
	}
	if (fault === 'stall') {
		entry.status = outcome.status;
		rt.hold(res);
		return;
	}
	if (fault === 'saved-500') {
		// executed (the object exists), yet Stripe answers 500 and saves that 500 as the key's result
		const failed = errorOutcome(apiError(), requestId);
		const executed = !outcome.replayed && (outcome.status < 400 || outcome.status === 402);
		if (executed && entry.idempotencyKey && method === 'POST') {
			rt.idempotency.save(entry.idempotencyKey, { status: failed.status, body: failed.body, requestId });
		}
		if (executed) outcome = { ...failed, events: outcome.events };
	}
	// 'after': the request executed (and its idempotent result was saved) but the response is "lost"
	send(res, entry, fault === 'after' ? errorOutcome(apiError(), requestId) : outcome);
	const request = { id: requestId, idempotency_key: entry.idempotencyKey };
	const events = outcome.events ?? [];
	if (events.length) setImmediate(() => events.forEach((e) => rt.webhooks.emitAuto(e.type, e.object, request)));
}
