import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBillingClient } from '../../src/lib/client';
import { appRouter } from '../../src/lib/server/trpc/router';
import { bootFile } from '../support/billing';
import { rawRequest } from '../support/raw-http';
import { startExpectingFailure, startServer, type TestServer } from '../support/server';

const ADMIN_TOKEN = 'correct-horse-battery-staple-42';
/** Procedures anyone may call: none so far (the open paths are /healthz and /webhooks/stripe). */
const PUBLIC_PROCEDURES: string[] = [];

let server: TestServer;
beforeAll(async () => {
	server = await startServer({ ADMIN_TOKEN, BOOT_TIME_FILE: bootFile(3600), MUTATION_RATE_LIMIT: '1000' });
});
afterAll(() => server.kill());

const form = (token: string) => new URLSearchParams({ token }).toString();
const signIn = (token: string, headers: Record<string, string> = {}) =>
	fetch(`${server.url}/signin`, {
		method: 'POST',
		redirect: 'manual',
		headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', origin: server.url, ...headers },
		body: form(token)
	});

describe('with ADMIN_TOKEN', () => {
	it('rejects an anonymous call to every procedure that is not explicitly public', async () => {
		const procedures = Object.entries(appRouter._def.procedures as Record<string, { _def: { type: string } }>);
		expect(procedures.length).toBeGreaterThanOrEqual(7);
		for (const [name, procedure] of procedures) {
			if (PUBLIC_PROCEDURES.includes(name)) continue;
			const isQuery = procedure._def.type === 'query';
			const response = await fetch(`${server.url}/api/trpc/${name}`, {
				method: isQuery ? 'GET' : 'POST',
				headers: { 'content-type': 'application/json' },
				body: isQuery ? undefined : '{}'
			});
			expect(response.status, name).toBe(401);
			expect((await response.json()).error.data.errorCode, name).toBe('SIGN_IN_REQUIRED');
		}
	});

	it('accepts Authorization: Bearer ADMIN_TOKEN and refuses a wrong one', async () => {
		const status = await createBillingClient(server.url, { token: ADMIN_TOKEN }).billingStatus.query();
		expect(status.serverName).toBe('test-server');
		await expect(createBillingClient(server.url, { token: `${ADMIN_TOKEN}x` }).billingStatus.query()).rejects.toMatchObject({
			data: { httpStatus: 401 }
		});
	});

	it('guards the prototype JSON endpoints and the dashboard, leaving /healthz and the webhook open', async () => {
		expect((await fetch(`${server.url}/api/billing-status`)).status).toBe(401);
		expect((await fetch(`${server.url}/api/uptime`)).status).toBe(401);
		const post = await fetch(`${server.url}/api/create-payment-intent`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: '{}'
		});
		expect(post.status).toBe(401);
		expect(await post.json()).toMatchObject({ success: false, code: 'SIGN_IN_REQUIRED' });
		const page = await fetch(server.url, { redirect: 'manual' });
		expect(page.status).toBe(303);
		expect(page.headers.get('location')).toBe('/signin?next=%2F');
		expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
		// the webhook is reachable, and refuses unsigned bodies itself
		expect(
			(
				await fetch(`${server.url}/webhooks/stripe`, {
					method: 'POST',
					headers: { 'content-type': 'application/json; charset=utf-8' },
					body: '{}'
				})
			).status
		).toBe(503);
	});

	it('signs in with an HttpOnly, SameSite=Strict session cookie, and signs out for good', async () => {
		const wrong = await signIn('not-the-token');
		expect(wrong.status).toBe(401);
		const right = await signIn(ADMIN_TOKEN, { 'x-forwarded-for': '10.0.0.2' });
		expect(right.status).toBe(303);
		const cookie = right.headers.get('set-cookie')!;
		expect(cookie).toMatch(/^sb_session=[\w-]{40,};/);
		expect(cookie).toMatch(/HttpOnly/i);
		expect(cookie).toMatch(/SameSite=Strict/i);
		expect(cookie).not.toContain(ADMIN_TOKEN);
		const session = cookie.split(';')[0];
		const page = await fetch(server.url, { headers: { cookie: session } });
		expect(page.status).toBe(200);
		expect(await page.text()).toContain('test-server');
		const api = await fetch(`${server.url}/api/trpc/billingStatus`, { headers: { cookie: session } });
		expect(api.status).toBe(200);
		const out = await fetch(`${server.url}/signout`, {
			method: 'POST',
			redirect: 'manual',
			headers: { cookie: session, origin: server.url }
		});
		expect(out.status).toBe(303);
		expect(out.headers.get('set-cookie')).toMatch(/sb_session=;/);
		expect((await fetch(server.url, { headers: { cookie: session }, redirect: 'manual' })).status).toBe(303);
	});
});

describe('rate limits', () => {
	it('slows down guessing the token: 429 with Retry-After after 5 failed sign-ins', async () => {
		const local = await startServer({ ADMIN_TOKEN, BOOT_TIME_FILE: bootFile(3600) });
		try {
			const attempt = () =>
				fetch(`${local.url}/signin`, {
					method: 'POST',
					redirect: 'manual',
					headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', origin: local.url },
					body: form('guess')
				});
			const statuses = [];
			for (let i = 0; i < 6; i++) statuses.push((await attempt()).status);
			expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
			const limited = await attempt();
			expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
		} finally {
			await local.kill();
		}
	});

	it('answers 429 with Retry-After when a client sends too many mutations', async () => {
		const local = await startServer({ MUTATION_RATE_LIMIT: '3', BOOT_TIME_FILE: bootFile(3600) });
		try {
			const cancel = () =>
				fetch(`${local.url}/api/trpc/cancelCharge`, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({ chargeId: 1 })
				});
			const statuses = [];
			for (let i = 0; i < 4; i++) statuses.push((await cancel()).status);
			expect(statuses.slice(0, 3)).not.toContain(429);
			expect(statuses[3]).toBe(429);
			const limited = await cancel();
			expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
			expect((await limited.json()).error.data.errorCode).toBe('RATE_LIMITED');
			// reads are not rate-limited
			expect((await fetch(`${local.url}/api/trpc/billingStatus`)).status).toBe(200);
		} finally {
			await local.kill();
		}
	});
});

describe('secure by default', () => {
	it('answers only loopback host names without ADMIN_TOKEN (no DNS rebinding)', async () => {
		const local = await startServer({ BOOT_TIME_FILE: bootFile(3600) });
		try {
			for (const path of ['/api/trpc/billingStatus', '/api/billing-status', '/']) {
				const foreign = await rawRequest(local.url, { path, headers: { host: `rebind.evil.example:${local.port}` } });
				expect(foreign.status, path).toBe(403);
				expect(foreign.body).toContain('only answers requests for localhost');
				const loopback = await rawRequest(local.url, { path, headers: { host: `localhost:${local.port}` } });
				expect(loopback.status, path).toBe(200);
			}
		} finally {
			await local.kill();
		}
		// with ADMIN_TOKEN (e.g. behind a proxy) any host name is fine: every call needs the token anyway
		const named = await rawRequest(server.url, {
			path: '/api/trpc/billingStatus',
			headers: { host: 'billing.example.com', authorization: `Bearer ${ADMIN_TOKEN}` }
		});
		expect(named.status).toBe(200);
	});

	it('refuses a public bind without ADMIN_TOKEN, saying what to set', async () => {
		const { code, output } = await startExpectingFailure({ HOST: '0.0.0.0' });
		expect(code).not.toBe(0);
		expect(output).toContain('ADMIN_TOKEN');
	});
});
