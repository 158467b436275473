import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBilling, SECRET_KEY, WEBHOOK_SECRET, type BillingSetup } from '../support/billing';
import { startExpectingFailure } from '../support/server';

const ADMIN_TOKEN = 'admin-token-that-must-stay-secret';
const SECRET_PATTERN = /\b(sk|rk)_(test|live)_[A-Za-z0-9]{6,}|\bwhsec_[A-Za-z0-9]{6,}/;

let setup: BillingSetup;
beforeAll(async () => {
	setup = await startBilling('sqlite', { ADMIN_TOKEN, DEBUG: 'True' });
});
afterAll(() => setup?.close());

function expectNoSecret(text: string, where: string) {
	expect(text, where).not.toMatch(SECRET_PATTERN);
	for (const secret of [SECRET_KEY, WEBHOOK_SECRET, ADMIN_TOKEN])
		expect(text.includes(secret), `${where} contains a configured secret`).toBe(false);
}

function filesUnder(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		return statSync(path).isDirectory() ? filesUnder(path) : [path];
	});
}

describe('secrets never leave the server', () => {
	it('are not in the client bundle', () => {
		const files = filesUnder(resolve(import.meta.dirname, '../../build/client')).filter((f) => !f.endsWith('.gz') && !f.endsWith('.br'));
		expect(files.length).toBeGreaterThan(5);
		for (const file of files) expectNoSecret(readFileSync(file, 'utf8'), file);
	});

	it('are not in rendered pages, API answers, error bodies or logs — even with DEBUG on', async () => {
		const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
		const bodies: string[] = [];
		const get = async (path: string, headers: Record<string, string> = auth) =>
			bodies.push(await (await fetch(`${setup.server.url}${path}`, { headers })).text());
		await get('/');
		await get('/signin', {});
		await get('/', {});
		await get('/api/trpc/billingStatus');
		await get('/api/billing-status');
		await get('/api/trpc/nope');
		await get('/api/trpc/charges?input=%7B%22limit%22%3A-1%7D');
		const intent = await fetch(`${setup.server.url}/api/trpc/createPaymentIntent`, {
			method: 'POST',
			headers: { ...auth, 'content-type': 'application/json' },
			body: '{}'
		});
		bodies.push(await intent.text());
		// Stripe rejecting the key: the message must not echo it
		setup.double.fault({ method: 'POST', path: '/v1/invoices', kind: 500, times: 3 });
		bodies.push(
			await (
				await fetch(`${setup.server.url}/api/trpc/cancelCharge`, {
					method: 'POST',
					headers: { ...auth, 'content-type': 'application/json' },
					body: '{"chargeId":999}'
				})
			).text()
		);
		// webhooks with a bad signature, and a good one
		const payload = JSON.stringify({
			id: 'evt_x',
			object: 'event',
			type: 'payment_intent.succeeded',
			data: { object: { id: 'pi_x', metadata: {} } }
		});
		for (const secret of [WEBHOOK_SECRET, 'whsec_wrongwrongwrong']) {
			const header = Stripe.webhooks.generateTestHeaderString({ payload, secret });
			bodies.push(
				await (
					await fetch(`${setup.server.url}/webhooks/stripe`, {
						method: 'POST',
						headers: { 'stripe-signature': header, 'content-type': 'application/json' },
						body: payload
					})
				).text()
			);
		}
		const html = bodies[0];
		expect(html).toContain('pk_test_'); // the publishable key is the only one the browser needs
		for (const body of bodies) expectNoSecret(body, body.slice(0, 120));
		await new Promise((r) => setTimeout(r, 200));
		const logs = setup.server.output();
		expect(logs).toContain('"level":20'); // DEBUG=True really logs at debug level
		expectNoSecret(logs, 'server logs');
	});

	it('are not echoed by configuration errors', async () => {
		const { output } = await startExpectingFailure({
			STRIPE_SECRET_KEY: 'sk_test_butwithbadchars!!',
			STRIPE_WEBHOOK_SECRET: 'whsec_also bad',
			ADMIN_TOKEN: 'short'
		});
		expect(output).toContain('STRIPE_SECRET_KEY');
		expect(output).toContain('ADMIN_TOKEN');
		expect(output).not.toContain('butwithbadchars');
		expect(output).not.toContain('also bad');
		expect(output).not.toContain('short"');
	});
});

describe('browser-facing headers', () => {
	it('sends a Content-Security-Policy that allows Stripe.js and nothing else foreign', async () => {
		const response = await fetch(`${setup.server.url}/signin`);
		const csp = response.headers.get('content-security-policy')!;
		expect(csp).toMatch(/script-src 'self' https:\/\/js\.stripe\.com/);
		expect(csp).toMatch(/frame-src https:\/\/js\.stripe\.com https:\/\/hooks\.stripe\.com/);
		expect(csp).toMatch(/connect-src 'self' https:\/\/api\.stripe\.com/);
		expect(csp).toContain("frame-ancestors 'none'");
		expect(csp).toContain("object-src 'none'");
		const foreign = [...csp.matchAll(/https?:\/\/[^\s;]+/g)].map((m) => m[0]);
		expect(foreign.filter((origin) => !/^https:\/\/(\*\.|[\w-]+\.)*stripe\.com$/.test(origin))).toEqual([]);
		expect(response.headers.get('x-frame-options')).toBe('DENY');
		expect(response.headers.get('x-content-type-options')).toBe('nosniff');
		expect(response.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
	});
});
