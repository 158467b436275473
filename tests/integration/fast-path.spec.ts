import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDatabaseUrl } from '../../src/lib/server/config';
import { openStore } from '../../src/lib/server/db';
import { appRouter, QUERY_NAMES } from '../../src/lib/server/trpc/router';
import { bootFile, PUBLISHABLE_KEY, SECRET_KEY } from '../support/billing';
import { DATABASES, freshDatabase, type DatabaseKind } from '../support/databases';
import { rawRequest, type RawRequest, type RawResponse } from '../support/raw-http';
import { startServer, type TestServer } from '../support/server';
import { startStripeDouble, type StripeDouble } from '../support/stripe-double';

/**
 * The production fast path (src/lib/server/http/fast-api.ts) must answer every GET it takes
 * exactly as SvelteKit's routes do, and leave the rest (POSTs, odd URLs) to them. Two servers share one database and one Stripe double:
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
			{ server_id: REMOTE, boot_time: t0, last_seen_at: t0 + 2 * 3600_000, billable_from: t0 },
			{ server_id: REMOTE, boot_time: t0 + 3 * 3600_000, last_seen_at: t0 + 5 * 3600_000 + 17_000, billable_from: t0 + 3 * 3600_000 }
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
/** every procedure of the router (its procedures are its function-valued keys), mutations being those a GET may not run */
const procedures = Object.keys(appRouter).filter(
	(name) => name !== 'createCaller' && typeof appRouter[name as keyof typeof appRouter] === 'function'
);
const types = appRouter._def.procedures as Record<string, { _def: { type: string } }>;
const mutations = procedures.filter((name) => types[name]._def.type === 'mutation');
/** queries the fast path leaves to SvelteKit (their answers may follow the clock: asked with input they refuse) */
const slowQueries = procedures.filter((name) => types[name]._def.type === 'query' && !QUERY_NAMES.has(name));

describe.each(DATABASES)('fast path on %s', (kind) => {
	let pair: Pair;
	beforeAll(async () => {
		pair = await startPair(kind);
		await addRemoteServer(pair.databaseUrl);
	});
	afterAll(() => pair?.close());

	it('answers every query like SvelteKit (anonymous, bad input, unknown ids) and leaves the rest to it', async () => {
		expect(QUERY_NAMES.size).toBeGreaterThanOrEqual(4);
		expect(mutations.length).toBeGreaterThanOrEqual(7);
		for (const name of QUERY_NAMES) {
			const call = (input: string | undefined, headers: Record<string, string> = AUTH) =>
				get(`/api/trpc/${name}${input === undefined ? '' : `?input=${encodeURIComponent(input)}`}`, headers);
			// not signed in (ADMIN_TOKEN is set); input a schema refuses; queries answer about this machine (clock)
			await same(pair, call(undefined, {}), { fast: true });
			await same(pair, call('{}', { authorization: 'Bearer wrong-token-wrong-token' }), { fast: true });
			await same(pair, call('{"bogus":1}'), { fast: true, clock: true });
			await same(pair, call('{"serverId":"no such/server"}'), { fast: true, clock: true });
			await same(pair, call('"x"'), { fast: true, clock: true });
			// JSON that does not parse: tRPC's own error, from SvelteKit
			await same(pair, call('{bad'), { fast: false, clock: true });
			// the other method: 405 with Allow, from SvelteKit
			await same(pair, post(`/api/trpc/${name}`, '{}'), { fast: false });
		}
		// mutations are never run by a GET, and POSTs are SvelteKit's
		for (const name of mutations) {
			await same(pair, get(`/api/trpc/${name}`), { fast: false });
			await same(pair, post(`/api/trpc/${name}`, '', { ...JSON_TYPE }), { fast: false });
		}
		for (const name of slowQueries) await same(pair, get(`/api/trpc/${name}?input=${encodeURIComponent('"x"')}`), { fast: false });
		await same(pair, get('/api/trpc/noSuchProcedure'), { fast: false });
		await same(pair, post('/api/trpc/noSuchProcedure', '{}'), { fast: false });
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
		await same(pair, get('/api/trpc/servers'), { fast: true, clock: true });
		await same(pair, get('/api/trpc/billingStatus'), { fast: true, clock: true });
		await same(pair, get('/api/trpc/uptime'), { fast: true, clock: true });
		// ?lang= sets a cookie in the hook: left to SvelteKit, same answer
		await same(pair, get(`/api/trpc/billingStatus?lang=ja&input=${q({ serverId: REMOTE })}`), { fast: false });
	});

	it('never serves a remembered status across roles, locales or a change in the database', async () => {
		const status = `/api/trpc/billingStatus?input=${q({ serverId: REMOTE })}`;
		// the same question, asked again at once: remembered bodies are the made ones
		for (let i = 0; i < 3; i++) await same(pair, get('/api/trpc/billingStatus'), { fast: true, clock: true });
		for (let i = 0; i < 3; i++) await same(pair, get('/api/billing-status'), { fast: true, clock: true });
		await same(pair, get(status), { fast: true });
		await same(pair, get(status), { fast: true });
		// another role, another language: never the admin's English body
		expect((await same(pair, get(status, {}), { fast: true })).status).toBe(401);
		const rotated = await rawRequest(pair.slow.url, post('/api/trpc/rotateAgentToken', JSON.stringify({ serverId: REMOTE })));
		const agent = { authorization: `Bearer ${JSON.parse(rotated.body).result.data.token}` };
		expect((await same(pair, get(status, agent), { fast: true })).status).toBe(403);
		const ja = await same(pair, get(status, { ...AUTH, 'accept-language': 'ja' }), { fast: true });
		expect(ja.body).not.toBe((await same(pair, get(status), { fast: true })).body);
		// another process writes (the agent's heartbeat, through the other server): the next answer shows it
		const before = (await same(pair, get(status), { fast: true })).body;
		const seenAt = '2026-10-01T06:00:00.000Z';
		const beat = { beats: [{ serverId: REMOTE, bootTime: '2026-10-01T03:00:00Z', seenAt }] };
		expect((await rawRequest(pair.slow.url, post('/api/trpc/heartbeat', JSON.stringify(beat), { ...agent, ...JSON_TYPE }))).status).toBe(
			200
		);
		const after = await same(pair, get(status), { fast: true });
		expect(after.body).not.toBe(before);
		expect(JSON.parse(after.body).result.data.lastSeenAt).toBe(seenAt);
	});

	it('answers after mutations the same, including the charge each creates (mutations through SvelteKit)', async () => {
		for (const kind of ['createPaymentIntent', 'createInvoice'] as const) {
			const body = JSON.stringify({ serverId: REMOTE });
			const before = await same(pair, get(`/api/trpc/billingStatus?input=${q({ serverId: REMOTE })}`), { fast: true });
			const created = await same(pair, post(`/api/trpc/${kind}`, body), { fast: false });
			expect(created.status, kind).toBe(200);
			const chargeId = JSON.parse(created.body).result.data.chargeId;
			// the open charge shows at once: the remembered status was made before it
			const pending = await same(pair, get(`/api/trpc/billingStatus?input=${q({ serverId: REMOTE })}`), { fast: true });
			expect(pending.body).not.toBe(before.body);
			expect(JSON.parse(pending.body).result.data.pendingCharge.id).toBe(chargeId);
			const canceled = await rawRequest(pair.fast.url, post('/api/trpc/cancelCharge', JSON.stringify({ chargeId })));
			expect(canceled.status).toBe(200);
			await same(pair, get(`/api/trpc/billingStatus?input=${q({ serverId: REMOTE })}`), { fast: true });
			await same(pair, get(`/api/trpc/charges?input=${q({ serverId: REMOTE })}`), { fast: true });
		}
	});

	it('answers batches: all good, mixed (207), all failing; leaves malformed and mixed-type ones to SvelteKit', async () => {
		const remote = { serverId: REMOTE };
		await same(pair, get(`/api/trpc/billingStatus,charges?batch=1&input=${q({ 0: remote, 1: remote })}`), { fast: true });
		await same(
			pair,
			get(`/api/trpc/billingStatus,charges,billingStatus?batch=1&input=${q({ 0: remote, 1: { serverId: 'x' }, 2: { bogus: 1 } })}`),
			{
				fast: true
			}
		);
		await same(pair, get(`/api/trpc/billingStatus,uptime?batch=1&input=${q({})}`), { fast: true, clock: true });
		await same(pair, get(`/api/trpc/billingStatus,charges?batch=1&input=${q({ 0: remote })}`, {}), { fast: true });
		await same(pair, get(`/api/trpc/billingStatus?batch=1&input=${q({ 0: remote })}`), { fast: true });
		await same(pair, get(`/api/trpc/billingStatus,charges?batch=1&input=${q([remote, remote])}`), { fast: false });
		await same(pair, get('/api/trpc/billingStatus,charges?batch=1&input=%7Bbad'), { fast: false });
		await same(pair, get(`/api/trpc/billingStatus,charges,nope?batch=1&input=${q({ 0: remote })}`), { fast: false });
		await same(pair, get('/api/trpc/billingStatus,cancelCharge?batch=1'), { fast: false });
		await same(pair, get(`/api/trpc/billingStatus?batch=1&input=${q({ 0: remote })}`, { ...AUTH, 'trpc-accept': 'application/jsonl' }), {
			fast: false
		});
	});

	it('leaves unusual requests to SvelteKit, with the same answer', async () => {
		await same(pair, { method: 'HEAD', path: '/api/trpc/billingStatus', headers: AUTH }, { fast: false });
		await same(pair, get('/api/trpc/billingStatus/'), { fast: false, clock: true });
		await same(pair, get('/api/trpc/billing%53tatus'), { fast: false, clock: true });
		// names an Object has: the router holds none of them
		await same(pair, get('/api/trpc/constructor'), { fast: false });
		await same(pair, get('/api/trpc/__proto__'), { fast: false });
		await same(pair, get('/api/trpc/toString,hasOwnProperty?batch=1'), { fast: false });
		await same(pair, get('/api/trpc'), { fast: false });
		await same(pair, { method: 'PUT', path: '/api/trpc/cancelCharge', headers: { ...AUTH, ...JSON_TYPE }, body: '{}' }, { fast: false });
		await same(
			pair,
			{ method: 'GET', path: '/api/trpc/billingStatus', headers: { ...AUTH, ...JSON_TYPE, 'content-length': '2' }, body: '{}' },
			{ fast: false, clock: true }
		);
		// a foreign Host is refused only without ADMIN_TOKEN (not here): any plain host is answered
		await same(pair, get('/api/trpc/uptime', { ...AUTH, host: 'billing.example.com' }), { fast: true, clock: true });
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

	it('serves the page SvelteKit rendered this second again, byte for byte, to the same viewer only', async () => {
		/**
		 * `GET /` twice at once from one server: the second, when the fast path serves it, is the first's page (a URL of its
		 * own each time, so the first is rendered for it, not the page of the second before served while it renders)
		 */
		const twice = async (headers: Record<string, string>) => {
			let served = 0;
			for (let i = 0; i < 6; i++) {
				const probe = `${Date.now()}-${i}`;
				const before = fastLines(pair.fast);
				const rendered = await rawRequest(pair.fast.url, get(`/?probe=${probe}`, headers));
				const renderedFast = fastLines(pair.fast) - before;
				const again = await rawRequest(pair.fast.url, get(`/?probe=${probe}`, headers));
				await new Promise((r) => setTimeout(r, 20));
				if (fastLines(pair.fast) - before - renderedFast === 0) continue; // a new second began: SvelteKit answered
				served++;
				expect(again.status).toBe(rendered.status);
				expect(again.headers).toEqual(rendered.headers);
				expect(again.body).toBe(rendered.body);
			}
			// PostgreSQL: other instances write unseen, so no page is kept and SvelteKit renders each
			if (kind === 'sqlite') expect(served, 'pages served by the fast path').toBeGreaterThan(0);
			else expect(served, 'pages served by the fast path').toBe(0);
		};
		await twice(AUTH);
		await twice({ ...AUTH, 'accept-language': 'ja' });
		const en = await rawRequest(pair.fast.url, get('/'));
		const ja = await rawRequest(pair.fast.url, get('/', { ...AUTH, 'accept-language': 'ja' }));
		expect(en.body).toContain('<html lang="en"');
		expect(ja.body).toContain('<html lang="ja"');
		/** the operator's page, rendered this second (its log line written before the next request is counted) */
		const operatorsPage = async () => {
			await rawRequest(pair.fast.url, get('/'));
			await new Promise((r) => setTimeout(r, 30));
		};
		// not signed in: never the operator's page, always SvelteKit's redirect to sign in
		for (let i = 0; i < 3; i++) {
			await operatorsPage();
			const anonymous = await same(pair, get('/', {}), { fast: false });
			expect(anonymous.status).toBe(303);
		}
		// a conditional request and ?lang= are SvelteKit's (304, the cookie)
		const etag = (await rawRequest(pair.fast.url, get('/'))).headers.find((h) => h.startsWith('etag: '));
		await operatorsPage();
		const linesBefore = fastLines(pair.fast);
		const conditional = await rawRequest(pair.fast.url, get('/', { ...AUTH, 'if-none-match': etag!.slice(6) }));
		expect([200, 304]).toContain(conditional.status);
		const chosen = await rawRequest(pair.fast.url, get('/?lang=ja'));
		expect(chosen.headers.some((h) => h.startsWith('set-cookie: lang=ja;'))).toBe(true);
		expect(chosen.body).toContain('<html lang="ja"');
		expect(fastLines(pair.fast)).toBe(linesBefore);
		// another process writes (a customer added through the other server): the next page shows it, rendered anew
		await operatorsPage();
		const added = post(
			'/api/trpc/addCustomer',
			JSON.stringify({ id: 'fastpath-co', name: 'Fastpath Trading', email: 'ap@fastpath.example' })
		);
		expect((await rawRequest(pair.slow.url, added)).status).toBe(200);
		const before = fastLines(pair.fast);
		const after = await rawRequest(pair.fast.url, get('/'));
		expect(after.body).toContain('Fastpath Trading');
		expect(fastLines(pair.fast) - before).toBe(0);
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
		await same(pair, get('/api/trpc/billingStatus', { cookie: `${session}; lang=ja` }), { fast: true, clock: true });
	});
});

describe('fast path under rate limits', () => {
	let pair: Pair;
	beforeAll(async () => {
		pair = await startPair('sqlite', { MUTATION_RATE_LIMIT: '3' });
	});
	afterAll(() => pair?.close());

	it('answers queries while mutations are limited (429 with Retry-After, from SvelteKit)', async () => {
		const cancel = post('/api/trpc/cancelCharge', JSON.stringify({ chargeId: 424242 }));
		for (let i = 0; i < 3; i++) await same(pair, cancel, { fast: false });
		const limited = await same(pair, cancel, { fast: false });
		expect(limited.status).toBe(429);
		expect(limited.headers.some((h) => /^retry-after: \d+$/.test(h))).toBe(true);
		// queries are not rate-limited
		expect((await same(pair, get('/api/trpc/uptime'), { fast: true, clock: true })).status).toBe(200);
		expect((await same(pair, get('/api/trpc/billingStatus'), { fast: true, clock: true })).status).toBe(200);
	});
});

describe('fast path without ADMIN_TOKEN (loopback only)', () => {
	let pair: Pair;
	beforeAll(async () => {
		pair = await startPair('sqlite', { ADMIN_TOKEN: '' });
	});
	afterAll(() => pair?.close());

	it('answers loopback hosts, and leaves a foreign Host to SvelteKit (403)', async () => {
		await same(pair, get('/api/trpc/billingStatus', {}), { fast: true, clock: true });
		await same(pair, get('/api/billing-status', {}), { fast: true, clock: true });
		const foreign = await same(pair, get('/api/trpc/billingStatus', { host: 'attacker.example' }), { fast: false });
		expect(foreign.status).toBe(403);
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
		await same(pair, get('/api/trpc/cancelCharge'), { fast: false });
		await same(pair, get('/api/uptime'), { fast: true, clock: true });
		await same(pair, get('/api/billing-status', { ...AUTH, 'accept-language': 'ja' }), { fast: true, clock: true });
	});
});
