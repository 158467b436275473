import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createBillingClient } from '../../src/lib/client';
import { bootFile, startBilling, type BillingSetup } from '../support/billing';
import { rawRequest } from '../support/raw-http';
import { startExpectingFailure, startServer, type TestServer } from '../support/server';
import { until } from '../support/until';

/** Issue 11 (redirects, cross-site posts, 500s, operator mistakes, loopback agents): each finding's attack, against the built server. */
const ADMIN_TOKEN = 'hardening-admin-token-0123456789';

let server: TestServer | undefined;
let setup: BillingSetup | undefined;
afterEach(async () => {
	await server?.kill();
	await setup?.close();
	server = setup = undefined;
});

async function signedIn(target: TestServer): Promise<string> {
	const response = await fetch(`${target.url}/signin`, {
		method: 'POST',
		redirect: 'manual',
		headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', origin: target.url },
		body: new URLSearchParams({ token: ADMIN_TOKEN }).toString()
	});
	expect(response.status).toBe(303);
	return response.headers.get('set-cookie')!.split(';')[0];
}

describe('1. redirects after sign-in', () => {
	it('go to paths of this site only, however the next parameter is spelled', async () => {
		server = await startServer({ ADMIN_TOKEN, BOOT_TIME_FILE: bootFile(3600) });
		const cookie = await signedIn(server);
		const attacks = [
			'%2F%5Cevil.example%2Fphish',
			'%2F%09%2Fevil.example',
			'%2F%0A%2Fevil.example',
			'%2F%2Fevil.example',
			'%2F.%2F%2Fevil.example',
			'https%3A%2F%2Fevil.example',
			'%5C%5Cevil.example'
		];
		for (const next of attacks) {
			const response = await fetch(`${server.url}/signin?next=${next}`, { headers: { cookie }, redirect: 'manual' });
			expect(response.status, next).toBe(303);
			const location = response.headers.get('location')!;
			expect(location, next).toBe('/');
			// what a browser makes of it stays here
			expect(new URL(location, server.url).host).toBe(new URL(server.url).host);
		}
		const own = await fetch(`${server.url}/signin?next=${encodeURIComponent('/?server=local')}`, {
			headers: { cookie },
			redirect: 'manual'
		});
		expect(own.headers.get('location')).toBe('/?server=local');
		// the form post follows the same rule
		const posted = await fetch(`${server.url}/signin?next=%2F%5Cevil.example`, {
			method: 'POST',
			redirect: 'manual',
			headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', origin: server.url },
			body: new URLSearchParams({ token: ADMIN_TOKEN }).toString()
		});
		expect(posted.headers.get('location')).toBe('/');
	});
});

describe('5. cross-site state changes', () => {
	const attempt = (url: string, headers: Record<string, string>) => fetch(`${url}/api/create-payment-intent`, { method: 'POST', headers });

	it('refuses the prototype POST from another site without ADMIN_TOKEN, whatever its content type; curl still works', async () => {
		setup = await startBilling('sqlite');
		const url = setup.server.url;
		for (const headers of [
			{ origin: 'http://evil.example' },
			{ 'sec-fetch-site': 'cross-site' },
			{ origin: 'null' },
			{ origin: 'http://evil.example', 'content-type': 'application/json' },
			{ 'sec-fetch-site': 'same-site', 'content-type': 'text/plain' }
		] as Record<string, string>[]) {
			const response = await attempt(url, headers);
			expect(response.status, JSON.stringify(headers)).toBe(403);
			// ours (JSON, any content type) or SvelteKit's own for form types: refused either way
			expect(await response.text()).toContain('Cross-site');
		}
		// every state-changing route: tRPC (fast path and SvelteKit alike), sign-out
		const trpc = await fetch(`${url}/api/trpc/createPaymentIntent`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', origin: 'http://evil.example' },
			body: '{}'
		});
		expect(trpc.status).toBe(403);
		expect(
			(await fetch(`${url}/signout`, { method: 'POST', redirect: 'manual', headers: { 'sec-fetch-site': 'cross-site' } })).status
		).toBe(403);
		expect(setup.double.paymentIntents()).toHaveLength(0);
		// the README's line: curl -X POST …/api/create-payment-intent -H "Content-Type: application/json"
		const curl = await attempt(url, { 'content-type': 'application/json' });
		expect(curl.status).toBe(200);
		expect(await curl.json()).toMatchObject({ success: true });
		// and the dashboard's own request (same origin) too
		const own = await attempt(url, { 'content-type': 'application/json', origin: url, 'sec-fetch-site': 'same-origin' });
		expect(own.status).toBe(200);
		expect(setup.double.paymentIntents()).toHaveLength(1);
	});

	it('refuses another site even with the admin token', async () => {
		server = await startServer({ ADMIN_TOKEN, BOOT_TIME_FILE: bootFile(3600) });
		const call = (origin: string) =>
			fetch(`${server!.url}/api/trpc/cancelCharge`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}`, origin },
				body: JSON.stringify({ chargeId: 99 })
			});
		expect((await call('https://evil.example')).status).toBe(403);
		const own = await call(server.url);
		expect(own.status).not.toBe(403);
		expect(own.status).toBeLessThan(500);
	});
});

describe('7. no anonymous request produces a 500', () => {
	it('answers HEAD like GET, bad action names with 4xx and unknown servers and pages with the styled 404 page', async () => {
		server = await startServer({ ADMIN_TOKEN, BOOT_TIME_FILE: bootFile(3600) });
		const url = server.url;
		const head = await rawRequest(url, { method: 'HEAD', path: '/' });
		expect(head.status).toBe(303);
		expect(head.body).toBe('');
		expect((await rawRequest(url, { method: 'HEAD', path: '/signin' })).status).toBe(200);
		const form = { 'content-type': 'application/x-www-form-urlencoded', origin: url };
		const reserved = await fetch(`${url}/signin?/default`, { method: 'POST', headers: form, body: 'token=x' });
		expect(reserved.status).toBe(400);
		const unknownAction = await fetch(`${url}/signin?/nope`, { method: 'POST', headers: form, body: 'token=x' });
		expect(unknownAction.status).toBe(404);
		const broken = await fetch(`${url}/signin`, {
			method: 'POST',
			headers: { ...form, 'content-type': 'multipart/form-data; boundary=x' },
			body: '--y'
		});
		expect(broken.status).toBeLessThan(500);
		const cookie = await signedIn(server);
		const signedHead = await rawRequest(url, { method: 'HEAD', path: '/', headers: { cookie } });
		expect(signedHead.status).toBe(200);
		expect(signedHead.body).toBe('');
		for (const path of ['/?server=nope', '/?server=..%2F..', '/no/such/page']) {
			const page = await fetch(`${url}${path}`, { headers: { cookie } });
			expect(page.status, path).toBeGreaterThanOrEqual(400);
			expect(page.status, path).toBeLessThan(500);
			const html = await page.text();
			expect(html, path).toMatch(/<h1>40\d · /);
			// the way back leads to the dashboard, from any depth
			const back = html.match(/<main class="failure[^]*?<a href="([^"]*)"/)?.[1];
			expect(new URL(back!, `${url}${path}`).pathname, path).toBe('/');
			expect(html, path).toMatch(/<link[^>]+stylesheet|<style/);
		}
		const japanese = await fetch(`${url}/?server=nope`, { headers: { cookie, 'accept-language': 'ja' } });
		expect(await japanese.text()).toContain('ページが見つかりません');
		expect(server.output()).not.toContain('"level":50');
	});
});

describe('8. operator mistakes', () => {
	it.each(['mysql://root:hunter2@db.example/billing', 'sqlite:///var/lib/billing.db', 'http://db.example/billing'])(
		'refuses DATABASE_URL=%s naming the variable, not its value',
		async (value) => {
			const { code, output } = await startExpectingFailure({ DATABASE_URL: value });
			expect(code).not.toBe(0);
			expect(output).toContain('DATABASE_URL');
			expect(output).not.toContain(value);
			expect(output).not.toContain('hunter2');
		}
	);

	it('bounds the hourly rate of the configuration and of addServer so a year fits one Stripe amount', async () => {
		const { code, output } = await startExpectingFailure({ HOURLY_RATE: '9'.repeat(29) });
		expect(code).not.toBe(0);
		expect(output).toMatch(/HOURLY_RATE must be at most 11384/);
		server = await startServer({ ADMIN_TOKEN, BOOT_TIME_FILE: bootFile(3600) });
		const admin = createBillingClient(server.url, { token: ADMIN_TOKEN });
		await expect(admin.addServer.mutate({ id: 'big', name: 'Big', hourlyRate: '9'.repeat(29) })).rejects.toMatchObject({
			message: expect.stringMatching(/hourlyRate must be at most 11384/),
			data: { httpStatus: 400 }
		});
		expect((await admin.addServer.mutate({ id: 'ok', name: 'OK', hourlyRate: '11384' })).serverId).toBe('ok');
	});

	it('answers /healthz with 503 once the SQLite file is deleted', async () => {
		server = await startServer({ BOOT_TIME_FILE: bootFile(3600) });
		expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
		for (const suffix of ['', '-wal', '-shm']) rmSync(server.env.DATABASE_URL + suffix, { force: true });
		const health = await fetch(`${server.url}/healthz`);
		expect(health.status).toBe(503);
		expect(await health.json()).toMatchObject({ ok: false });
	});
});

describe('9. agents without ADMIN_TOKEN', () => {
	it('reports with its agent token to a loopback-only server', async () => {
		server = await startServer({ BOOT_TIME_FILE: bootFile(3600) });
		const operator = createBillingClient(server.url);
		const { token } = await operator.addServer.mutate({ id: 'edge-9', name: 'Edge 9' });
		const child = spawn(
			process.execPath,
			[resolve(import.meta.dirname, '../../bin/server-billing.mjs'), 'agent', '--url', server.url, '--token', token, '--interval', '60'],
			{ env: { PATH: process.env.PATH, BOOT_TIME_FILE: bootFile(900) } }
		);
		let output = '';
		child.stdout.on('data', (d) => (output += d));
		child.stderr.on('data', (d) => (output += d));
		try {
			await until(() => output.includes('heartbeat: 1 sent') || output.includes('failed'), 'the first heartbeat', 30_000, 100);
			expect(output).toContain('heartbeat: 1 sent');
			const status = await operator.billingStatus.query({ serverId: 'edge-9' });
			expect(status.uptimeSeconds).toBeGreaterThanOrEqual(900);
		} finally {
			child.kill('SIGKILL');
		}
	});
});
