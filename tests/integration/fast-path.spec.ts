import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDatabaseUrl } from '../../src/lib/server/config';
import { openStore } from '../../src/lib/server/db';
import { appRouter } from '../../src/lib/server/trpc/router';
import { bootFile, PUBLISHABLE_KEY, SECRET_KEY } from '../support/billing';
import { DATABASES, freshDatabase, type DatabaseKind } from '../support/databases';
import { rawRequest, type RawRequest, type RawResponse } from '../support/raw-http';
import { startServer, type TestServer } from '../support/server';
import { startStripeDouble, type StripeDouble } from '../support/stripe-double';

/**
 * The production fast path (src/lib/server/http/fast-api.ts) must answer every API request
 * exactly as SvelteKit's routes do. Two servers share one database and one Stripe double:
 * one as shipped, one with FAST_API=0. Each request goes to both (the fast one first) and
 * status, headers in wire order (all but Date) and body bytes are compared. Answers about
 * this machine follow the clock (it is metered up to "now"), so for those the values of the
 * clock's fields are masked; a remote server's answers have no clock and compare whole.
 */
const ADMIN_TOKEN = 'fast-path-admin-token-0123456789';
const AUTH = { authorization: `Bearer ${ADMIN_TOKEN}` };
const JSON_TYPE = { 'content-type': 'application/json' };
const REMOTE = 'remote-1';
const CLOCK_FIELDS = [
	'lastSeenAt',
	'periodEnd',
	'uptimeSeconds',
	'meteredSeconds',
	'billableSeconds',
	'amountMinor',
	'amountMajor',
	'amountFormatted',
	'hours',
	'minutes',
	'seconds',
	'formatted',
	'current_time',
	'uptime',
	'uptime_seconds',
	'total_amount',
	'amount_minor',
	'billable_seconds'
];
const CLOCK_VALUE = new RegExp(`"(${CLOCK_FIELDS.join('|')})":("[^"]*"|[\\d.]+)`, 'g');
const mask = (body: string) => body.replace(CLOCK_VALUE, '"$1":"<clock>"');

interface Pair {
	fast: TestServer;
	slow: TestServer;
	double: StripeDouble;
	databaseUrl: string;
	close(): Promise<void>;
}

async function startPair(kind: DatabaseKind, env: Record<string, string> = {}): Promise<Pair> {
	const double = await startStripeDouble({ secretKey: SECRET_KEY, publishableKey: PUBLISHABLE_KEY });
	const databaseUrl = await freshDatabase(kind);
	const common = {
		DATABASE_URL: databaseUrl,
		ADMIN_TOKEN,
		BOOT_TIME_FILE: bootFile(3 * 3600),
		DEBUG: 'true',
		MUTATION_RATE_LIMIT: '1000',
		// wrong tokens are sent on purpose, from one address, to two servers sharing (on PostgreSQL) one failure budget
		FAILED_AUTH_LIMIT: '1000',
		STRIPE_SECRET_KEY: SECRET_KEY,
		STRIPE_PUBLISHABLE_KEY: PUBLISHABLE_KEY,
		STRIPE_API_BASE: double.url,
		CUSTOMER_EMAIL: 'ops@example.com',
		...env
	};
	const fast = await startServer(common);
	const slow = await startServer({ ...common, FAST_API: '0' });
	return { fast, slow, double, databaseUrl, close: async () => void (await Promise.all([fast.kill(), slow.kill(), double.close()])) };
}

/** A server seen by heartbeats, not this machine: its answers do not depend on the clock. */
async function addRemoteServer(databaseUrl: string) {
	const store = await openStore(parseDatabaseUrl(databaseUrl));
	const t0 = Date.parse('2026-10-01T00:00:00Z');
	await store.db
		.insertInto('servers')
		.values({
			id: REMOTE,
			name: 'edge-1',
			is_local: 0,
			hourly_rate: '250',
			stripe_customer_id: null,
			agent_token_hash: null,
			created_at: t0
		})
		.execute();
	await store.db
		.insertInto('runs')
		.values([
			{ server_id: REMOTE, boot_time: t0, last_seen_at: t0 + 2 * 3600_000 },
			{ server_id: REMOTE, boot_time: t0 + 3 * 3600_000, last_seen_at: t0 + 5 * 3600_000 + 17_000 }
		])
		.execute();
	await store.close();
}

const fastLines = (server: TestServer) =>
	server
		.output()
		.split('\n')
		.filter((l) => l.includes('"fastPath":true')).length;

/** Sends the request to both servers and expects the same answer; `fast` says which path the shipped server should take. */
async function same(pair: Pair, req: RawRequest, options: { fast: boolean; clock?: boolean }): Promise<RawResponse> {
	const label = `${req.method ?? 'GET'} ${req.path}`;
	const before = fastLines(pair.fast);
	const fast = await rawRequest(pair.fast.url, req);
	const slow = await rawRequest(pair.slow.url, req);
	expect(fast.status, label).toBe(slow.status);
	expect(fast.headers, label).toEqual(slow.headers);
	if (options.clock) expect(mask(fast.body), label).toBe(mask(slow.body));
	else expect(fast.body, label).toBe(slow.body);
	// the log line is written right after the answer: give it a moment to arrive
	for (let i = 0; i < 20 && fastLines(pair.fast) === before && options.fast; i++) await new Promise((r) => setTimeout(r, 10));
	expect(fastLines(pair.fast) - before, `${label} served by the fast path`).toBe(options.fast ? 1 : 0);
	return fast;
}

const q = (value: unknown) => encodeURIComponent(JSON.stringify(value));
const get = (path: string, headers: Record<string, string> = AUTH): RawRequest => ({ path, headers });
const post = (path: string, body: string, headers: Record<string, string> = { ...AUTH, ...JSON_TYPE }): RawRequest => ({
	method: 'POST',
	path,
	headers,
	body
});
const procedures = Object.entries(appRouter._def.procedures as Record<string, { _def: { type: string; inputs: unknown[] } }>);

describe.each(DATABASES)('fast path on %s', (kind) => {
	let pair: Pair;
	beforeAll(async () => {
		pair = await startPair(kind);
		await addRemoteServer(pair.databaseUrl);
	});
	afterAll(() => pair?.close());

	it('answers every procedure like SvelteKit: anonymous, bad input, malformed JSON, wrong method', async () => {
		expect(procedures.length).toBeGreaterThanOrEqual(7);
		for (const [name, procedure] of procedures) {
			const isQuery = procedure._def.type === 'query';
			const call = (input: string | undefined, headers: Record<string, string> = AUTH) =>
				isQuery
					? get(`/api/trpc/${name}${input === undefined ? '' : `?input=${encodeURIComponent(input)}`}`, headers)
					: post(`/api/trpc/${name}`, input ?? '', { ...headers, ...JSON_TYPE });
			// not signed in (ADMIN_TOKEN is set)
			await same(pair, call(undefined, {}), { fast: true });
			await same(pair, call('{}', { authorization: 'Bearer wrong-token-wrong-token' }), { fast: true });
			// invalid input, wrong types, malformed JSON; queries answer about this machine (clock), and
			// mutations only get input no schema of theirs accepts (they must not bill or change anything)
			const clock = true;
			if (isQuery) {
				await same(pair, call('{"bogus":1}'), { fast: true, clock });
				await same(pair, call('{"serverId":"no such/server"}'), { fast: true, clock });
			}
			if (isQuery || procedure._def.inputs.length > 0) {
				await same(pair, call('"x"'), { fast: true, clock });
				await same(pair, call('{bad'), { fast: true, clock });
			}
			// the other method: 405 with Allow
			await same(pair, isQuery ? post(`/api/trpc/${name}`, '{}') : get(`/api/trpc/${name}`), { fast: true });
		}
		await same(pair, get('/api/trpc/noSuchProcedure'), { fast: true });
		await same(pair, post('/api/trpc/noSuchProcedure', '{}'), { fast: true });
	});

	it('answers queries with valid input, unknown ids and locales byte for byte', async () => {
		await same(pair, get(`/api/trpc/billingStatus?input=${q({ serverId: REMOTE })}`), { fast: true });
		await same(pair, get(`/api/trpc/billingStatus?input=${q({ serverId: REMOTE, locale: 'ja' })}`), { fast: true });
		await same(pair, get(`/api/trpc/billingStatus?input=${q({ serverId: REMOTE })}`, { ...AUTH, 'accept-language': 'ja-JP,ja;q=0.9' }), {
			fast: true
		});
		await same(pair, get(`/api/trpc/billingStatus?input=${q({ serverId: REMOTE })}`, { ...AUTH, cookie: 'theme=dark; lang=ja' }), {
			fast: true
		});
		await same(pair, get(`/api/trpc/billingStatus?input=${q({ serverId: 'nope' })}`), { fast: true });
		await same(pair, get(`/api/trpc/charges?input=${q({ serverId: REMOTE, limit: 5 })}`), { fast: true });
		await same(pair, get(`/api/trpc/charges?input=${q({ serverId: REMOTE, limit: 500 })}`), { fast: true });
		await same(pair, get('/api/trpc/charges'), { fast: true });
		await same(pair, get('/api/trpc/billingStatus'), { fast: true, clock: true });
		await same(pair, get('/api/trpc/uptime'), { fast: true, clock: true });
		// ?lang= sets a cookie in the hook: left to SvelteKit, same answer
		await same(pair, get(`/api/trpc/billingStatus?lang=ja&input=${q({ serverId: REMOTE })}`), { fast: false });
	});

	it('answers mutations the same, including the charge each creates and finds again', async () => {
		for (const kind of ['createPaymentIntent', 'createInvoice'] as const) {
			const body = JSON.stringify({ serverId: REMOTE });
			const created = await same(pair, post(`/api/trpc/${kind}`, body), { fast: true });
			expect(created.status, kind).toBe(200);
			const chargeId = JSON.parse(created.body).result.data.chargeId;
			// the other kind while this one is open: CHARGE_PENDING
			await same(pair, post(`/api/trpc/${kind === 'createInvoice' ? 'createPaymentIntent' : 'createInvoice'}`, body), { fast: true });
			await same(pair, get(`/api/trpc/billingStatus?input=${q({ serverId: REMOTE })}`), { fast: true });
			await same(pair, post('/api/trpc/syncCharge', JSON.stringify({ chargeId })), { fast: true });
			// canceling succeeds once (on the fast server), then both refuse alike
			const logged = fastLines(pair.fast);
			const canceled = await rawRequest(pair.fast.url, post('/api/trpc/cancelCharge', JSON.stringify({ chargeId })));
			expect(canceled.status).toBe(200);
			await expect.poll(() => fastLines(pair.fast)).toBe(logged + 1);
			await same(pair, post('/api/trpc/cancelCharge', JSON.stringify({ chargeId })), { fast: true });
		}
		await same(pair, post('/api/trpc/cancelCharge', JSON.stringify({ chargeId: 987654 })), { fast: true });
		await same(pair, post('/api/trpc/syncCharge', JSON.stringify({ chargeId: 0 })), { fast: true });
		await same(pair, get(`/api/trpc/charges?input=${q({ serverId: REMOTE })}`), { fast: true });
		// this machine: the open charge is found again, byte for byte
		await same(pair, post('/api/trpc/createPaymentIntent', ''), { fast: true });
		await same(pair, post('/api/trpc/createPaymentIntent', '{}', { ...AUTH, 'content-type': 'application/json; charset=utf-8' }), {
			fast: true
		});
	});

	it('answers batches: all good, mixed (207), all failing, malformed', async () => {
		const remote = { serverId: REMOTE };
		await same(pair, get(`/api/trpc/billingStatus,charges?batch=1&input=${q({ 0: remote, 1: remote })}`), { fast: true });
		await same(
			pair,
			get(`/api/trpc/billingStatus,charges,billingStatus,nope?batch=1&input=${q({ 0: remote, 1: { serverId: 'x' }, 2: { bogus: 1 } })}`),
			{ fast: true }
		);
		await same(pair, get(`/api/trpc/billingStatus,uptime?batch=1&input=${q({})}`), { fast: true, clock: true });
		await same(pair, get(`/api/trpc/billingStatus,charges?batch=1&input=${q([remote, remote])}`), { fast: true });
		await same(pair, get('/api/trpc/billingStatus,charges?batch=1&input=%7Bbad'), { fast: true });
		await same(pair, get(`/api/trpc/billingStatus,charges?batch=1&input=${q({ 0: remote })}`, {}), { fast: true });
		await same(pair, post('/api/trpc/cancelCharge,syncCharge?batch=1', JSON.stringify({ 0: { chargeId: 999999 }, 1: { chargeId: 'x' } })), {
			fast: true
		});
		await same(pair, post('/api/trpc/cancelCharge,cancelCharge?batch=1', ''), { fast: true });
		// mixed procedure types and streaming are tRPC's own business: SvelteKit answers both servers
		await same(pair, get('/api/trpc/billingStatus,cancelCharge?batch=1'), { fast: false });
		await same(pair, get(`/api/trpc/billingStatus?batch=1&input=${q({ 0: remote })}`, { ...AUTH, 'trpc-accept': 'application/jsonl' }), {
			fast: false
		});
	});

	it('leaves unusual requests to SvelteKit, with the same answer', async () => {
		// bodies: up to 256 KB on the fast path; beyond, SvelteKit's size checks (the hook's 413 past 512 KB)
		const body = (kb: number) => JSON.stringify({ serverId: REMOTE, padding: 'x'.repeat(kb * 1024 - 40) });
		await same(pair, post('/api/trpc/createInvoice', body(100)), { fast: true });
		await same(pair, post('/api/trpc/createInvoice', body(300)), { fast: false });
		await same(pair, post('/api/trpc/createInvoice', body(600)), { fast: false });
		await same(pair, post('/api/trpc/cancelCharge', '{"chargeId":1}', { ...AUTH, 'content-type': 'text/plain' }), { fast: false });
		await same(pair, post('/api/trpc/cancelCharge', '{"chargeId":1}', AUTH), { fast: false });
		await same(pair, { method: 'HEAD', path: '/api/trpc/billingStatus', headers: AUTH }, { fast: false });
		await same(pair, get('/api/trpc/billingStatus/'), { fast: false, clock: true });
		await same(pair, get('/api/trpc/billing%53tatus'), { fast: false, clock: true });
		// names an Object has: the router holds none of them
		await same(pair, get('/api/trpc/constructor'), { fast: true });
		await same(pair, get('/api/trpc/__proto__'), { fast: true });
		await same(pair, get('/api/trpc/toString,hasOwnProperty?batch=1'), { fast: true });
		await same(pair, get('/api/trpc'), { fast: false });
		await same(pair, { method: 'PUT', path: '/api/trpc/cancelCharge', headers: { ...AUTH, ...JSON_TYPE }, body: '{}' }, { fast: false });
		await same(
			pair,
			{ method: 'GET', path: '/api/trpc/billingStatus', headers: { ...AUTH, ...JSON_TYPE, 'content-length': '2' }, body: '{}' },
			{ fast: false, clock: true }
		);
	});

	it('answers the prototype JSON endpoints the same', async () => {
		await same(pair, get('/api/billing-status'), { fast: true, clock: true });
		await same(pair, get('/api/billing-status', { ...AUTH, 'accept-language': 'ja' }), { fast: true, clock: true });
		await same(pair, get('/api/uptime?x=1'), { fast: true, clock: true });
		await same(pair, get('/api/billing-status', {}), { fast: true });
		await same(pair, get('/api/uptime', { cookie: 'sb_session=not-a-session' }), { fast: true });
		await same(pair, { method: 'HEAD', path: '/api/uptime', headers: AUTH }, { fast: false });
		await same(pair, post('/api/billing-status', '{}'), { fast: false });
		await same(pair, post('/api/create-payment-intent', '{}', {}), { fast: false });
	});

	it('accepts the dashboard session cookie like SvelteKit does', async () => {
		const signIn = await fetch(`${pair.fast.url}/signin`, {
			method: 'POST',
			redirect: 'manual',
			headers: { 'content-type': 'application/x-www-form-urlencoded', origin: pair.fast.url },
			body: new URLSearchParams({ token: ADMIN_TOKEN }).toString()
		});
		const session = signIn.headers.get('set-cookie')!.split(';')[0];
		expect(session).toMatch(/^sb_session=/);
		await same(pair, get(`/api/trpc/charges?input=${q({ serverId: REMOTE })}`, { cookie: `lang=ja; ${session}` }), { fast: true });
		await same(pair, get('/api/uptime', { cookie: ` ${session} ; lang="en"` }), { fast: true, clock: true });
		await same(pair, get('/api/trpc/charges', { cookie: `${session}x` }), { fast: true });
	});
});

describe('fast path under rate limits', () => {
	let pair: Pair;
	beforeAll(async () => {
		pair = await startPair('sqlite', { MUTATION_RATE_LIMIT: '3' });
	});
	afterAll(() => pair?.close());

	it('answers 429 with the same Retry-After, alone and inside a batch (207)', async () => {
		const cancel = post('/api/trpc/cancelCharge', JSON.stringify({ chargeId: 424242 }));
		await same(pair, cancel, { fast: true });
		await same(pair, cancel, { fast: true });
		const batch = await same(
			pair,
			post('/api/trpc/cancelCharge,cancelCharge?batch=1', JSON.stringify({ 0: { chargeId: 1 }, 1: { chargeId: 2 } })),
			{ fast: true }
		);
		expect(batch.status).toBe(207);
		expect(batch.headers.some((h) => /^retry-after: \d+$/.test(h))).toBe(true);
		const limited = await same(pair, cancel, { fast: true });
		expect(limited.status).toBe(429);
		// queries are not rate-limited
		expect((await same(pair, get('/api/trpc/uptime'), { fast: true, clock: true })).status).toBe(200);
	});
});

describe('fast path behind a TLS proxy (ORIGIN=https://…)', () => {
	let pair: Pair;
	beforeAll(async () => {
		pair = await startPair('sqlite', { ORIGIN: 'https://billing.example.com' });
	});
	afterAll(() => pair?.close());

	it('sends HSTS like SvelteKit, on answers and on errors', async () => {
		const ok = await same(pair, get('/api/trpc/billingStatus'), { fast: true, clock: true });
		expect(ok.headers).toContain('strict-transport-security: max-age=31536000');
		await same(pair, get('/api/trpc/billingStatus', {}), { fast: true });
		await same(pair, get('/api/trpc/cancelCharge'), { fast: true });
		await same(pair, get('/api/uptime'), { fast: true, clock: true });
		await same(pair, post('/api/trpc/cancelCharge', JSON.stringify({ chargeId: 77 })), { fast: true });
	});
});
