import { afterEach, describe, expect, it } from 'vitest';
import { createBillingClient } from '../../src/lib/client';
import { bootFile } from '../support/billing';
import { freshDatabase } from '../support/databases';
import { startServer, type TestServer } from '../support/server';

/** Issue 11, findings 2, 3, 4 and 6: limits that protect without locking the owner out, and sessions every instance agrees on. */
const ADMIN_TOKEN = 'limits-admin-token-0123456789';
const PROXY = { ADDRESS_HEADER: 'x-forwarded-for', XFF_DEPTH: '1' };

const servers: TestServer[] = [];
afterEach(async () => {
	await Promise.all(servers.splice(0).map((s) => s.kill()));
});
async function start(env: Record<string, string>): Promise<TestServer> {
	const server = await startServer({ ADMIN_TOKEN, BOOT_TIME_FILE: bootFile(3600), ...env });
	servers.push(server);
	return server;
}

const signIn = (server: TestServer, token: string, headers: Record<string, string> = {}) =>
	fetch(`${server.url}/signin`, {
		method: 'POST',
		redirect: 'manual',
		headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', origin: server.url, ...headers },
		body: new URLSearchParams({ token }).toString()
	});
const billingStatus = (server: TestServer, headers: Record<string, string>) => fetch(`${server.url}/api/trpc/billingStatus`, { headers });
const cancel = (server: TestServer, headers: Record<string, string> = {}) =>
	fetch(`${server.url}/api/trpc/cancelCharge`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', ...headers },
		body: JSON.stringify({ chargeId: 424242 })
	});
const bearer = (token: string, from?: string) => ({ authorization: `Bearer ${token}`, ...(from ? { 'x-forwarded-for': from } : {}) });

describe('2. limits per identity, failures per client', () => {
	it('never lets anonymous 401s spend the admin’s mutation budget', async () => {
		const server = await start({ MUTATION_RATE_LIMIT: '5' });
		const anonymous = [];
		for (let i = 0; i < 12; i++) anonymous.push((await cancel(server)).status);
		expect(anonymous.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
		expect(anonymous.slice(5)).toEqual(Array(7).fill(429));
		const admin = await cancel(server, bearer(ADMIN_TOKEN));
		expect(admin.status).not.toBe(429);
		// the call itself ran (and found Stripe not configured)
		expect((await admin.json()).error.data.errorCode).toBe('STRIPE_NOT_CONFIGURED');
	});

	it('slows down only the client that fails, read behind a proxy from ADDRESS_HEADER/XFF_DEPTH', async () => {
		const server = await start(PROXY);
		const attacker = { 'x-forwarded-for': '203.0.113.7' };
		const statuses = [];
		for (let i = 0; i < 7; i++) statuses.push((await signIn(server, 'guess', attacker)).status);
		expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
		const limited = await signIn(server, 'guess', attacker);
		expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(800);
		// a blocked client learns nothing, even from the right token
		expect((await signIn(server, ADMIN_TOKEN, attacker)).status).toBe(429);
		expect((await billingStatus(server, bearer(ADMIN_TOKEN, '203.0.113.7'))).status).toBe(429);
		// the owner, from another address, is not locked out: neither the sign-in nor the bearer token
		const owner = await signIn(server, ADMIN_TOKEN, { 'x-forwarded-for': '198.51.100.2' });
		expect(owner.status).toBe(303);
		expect((await billingStatus(server, bearer(ADMIN_TOKEN, '198.51.100.2'))).status).toBe(200);
		// a request that did not come through the proxy is one anonymous client, not a 500
		expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
		expect((await billingStatus(server, {})).status).toBe(401);
	});

	it('reads the client from XFF_DEPTH entries from the right, so a spoofed left part changes nothing', async () => {
		const server = await start({ ADDRESS_HEADER: 'x-forwarded-for', XFF_DEPTH: '2' });
		const statuses = [];
		for (let i = 0; i < 7; i++) {
			const spoofed = { 'x-forwarded-for': `10.${i}.0.1, 203.0.113.9, 192.0.2.1` };
			statuses.push((await billingStatus(server, { ...spoofed, authorization: `Bearer wrong-${i}` })).status);
		}
		expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
		expect((await billingStatus(server, { 'x-forwarded-for': '203.0.113.10, 192.0.2.1', ...bearer(ADMIN_TOKEN) })).status).toBe(200);
	});

	it('shares the limits between instances on PostgreSQL', async () => {
		const DATABASE_URL = await freshDatabase('postgres');
		const [a, b] = [await start({ DATABASE_URL, ...PROXY }), await start({ DATABASE_URL, ...PROXY })];
		for (let i = 0; i < 5; i++) expect((await billingStatus(i % 2 ? a : b, bearer(`wrong-${i}`, '203.0.113.8'))).status).toBe(401);
		// the sixth failure, on either instance, is over the shared budget
		expect((await billingStatus(a, bearer('wrong-6', '203.0.113.8'))).status).toBe(429);
		expect((await billingStatus(b, bearer('wrong-7', '203.0.113.8'))).status).toBe(429);
		expect((await billingStatus(b, bearer(ADMIN_TOKEN, '198.51.100.3'))).status).toBe(200);
	});
});

describe('3. bearer guessing', () => {
	it('answers 300 wrong bearer tokens in a few seconds mostly with 429 and Retry-After', async () => {
		const server = await start({});
		const statuses: number[] = [];
		let retryAfter = 0;
		for (let batch = 0; batch < 6; batch++) {
			const answers = await Promise.all(
				Array.from({ length: 50 }, (_, i) => billingStatus(server, bearer(`guess-${batch}-${i}-0123456789abcdef`)))
			);
			for (const answer of answers) {
				statuses.push(answer.status);
				if (answer.status === 429) retryAfter = Number(answer.headers.get('retry-after'));
			}
		}
		expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(5);
		expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(295);
		expect(retryAfter).toBeGreaterThan(0);
		// the prototype endpoints and mutations answer the same
		expect((await fetch(`${server.url}/api/billing-status`, { headers: bearer('one-more-guess') })).status).toBe(429);
		expect((await cancel(server, bearer('one-more-guess'))).status).toBe(429);
	});
});

describe('4. sessions on several instances', () => {
	it('signing out on one instance signs out on every instance sharing the database at once', async () => {
		const DATABASE_URL = await freshDatabase('sqlite');
		const [a, b] = [await start({ DATABASE_URL }), await start({ DATABASE_URL })];
		const cookie = (await signIn(a, ADMIN_TOKEN)).headers.get('set-cookie')!.split(';')[0];
		const addServer = (id: string) =>
			fetch(`${b.url}/api/trpc/addServer`, {
				method: 'POST',
				headers: { cookie, 'content-type': 'application/json' },
				body: JSON.stringify({ id, name: id })
			});
		// B knows the session (and whatever it caches of it)
		expect((await fetch(b.url, { headers: { cookie }, redirect: 'manual' })).status).toBe(200);
		expect((await addServer('before')).status).toBe(200);
		const out = await fetch(`${a.url}/signout`, { method: 'POST', redirect: 'manual', headers: { cookie, origin: a.url } });
		expect(out.status).toBe(303);
		expect((await fetch(b.url, { headers: { cookie }, redirect: 'manual' })).status).toBe(303);
		expect((await addServer('after')).status).toBe(401);
		expect((await billingStatus(b, { cookie })).status).toBe(401);
	});
});

describe('6. heartbeats', () => {
	it('refuses part of a burst of 100 heartbeats from one agent token with 429, and takes the agent’s normal pace', async () => {
		const server = await start({});
		const { token } = await createBillingClient(server.url, { token: ADMIN_TOKEN }).addServer.mutate({ id: 'burst', name: 'Burst' });
		const beat = () =>
			fetch(`${server.url}/api/trpc/heartbeat`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
				body: JSON.stringify({ beats: [{ bootTime: new Date(Date.now() - 3600_000).toISOString() }] })
			});
		const answers = await Promise.all(Array.from({ length: 100 }, beat));
		const statuses = answers.map((a) => a.status);
		expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(0);
		expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(20);
		expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(80);
		const limited = answers.find((a) => a.status === 429)!;
		expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
		// the budget is the agent's: the admin (and other agents) still report
		expect((await cancel(server, bearer(ADMIN_TOKEN))).status).not.toBe(429);
	});
});
