import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRouter } from '../../src/lib/server/trpc/router';
import { startBilling, type BillingSetup } from '../support/billing';
import { readCharges } from '../support/ledger';

/**
 * Thousands of generated bad requests against every procedure and the JSON endpoints:
 * the answer is always a 4xx (or a 200 for input that happens to be valid), never a 5xx
 * or a stack trace, and the ledger and Stripe see no change.
 */
let setup: BillingSetup;
let openChargeId: number;

beforeAll(async () => {
	setup = await startBilling('sqlite', { MUTATION_RATE_LIMIT: '1000000' });
	// an open charge: valid calls then find it (no new charge), invalid ones must not touch it
	openChargeId = (await setup.client.createPaymentIntent.mutate()).chargeId;
});
afterAll(() => setup?.close());

const procedures = Object.entries(appRouter._def.procedures as Record<string, { _def: { type: string } }>).map(([name, p]) => ({
	name,
	isQuery: p._def.type === 'query'
}));

/** JSON texts a careless or hostile client might send, valid JSON or not. */
const nastyText = fc.oneof(
	fc.json(),
	fc.string(),
	fc.constantFrom(
		'',
		'{',
		'[',
		'"',
		'null',
		'NaN',
		'1e309',
		'-1e309',
		'{"chargeId":1e309}',
		'{"chargeId":NaN}',
		'{"chargeId":-1}',
		'{"chargeId":"1"}',
		'{"serverId":"../../etc/passwd"}',
		'{"serverId":"local\' OR 1=1 --"}',
		'{"__proto__":{"admin":true}}',
		'{"constructor":{"prototype":{"x":1}}}',
		'{"serverId":"x","extra":1}',
		'{"limit":1000000}',
		'{"cursor":-5}',
		'{"locale":"fr"}',
		'\u0000',
		'{"0":{"json":null}}'
	),
	fc.anything().map((v) => JSON.stringify(v) ?? 'undefined'),
	fc.record({ chargeId: fc.oneof(fc.double(), fc.integer(), fc.string(), fc.constant(null)) }).map((v) => JSON.stringify(v))
);

async function send(name: string, isQuery: boolean, text: string) {
	const url = `${setup.server.url}/api/trpc/${name}`;
	const response = isQuery
		? await fetch(`${url}?input=${encodeURIComponent(text)}`)
		: await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: text });
	return { status: response.status, body: await response.text() };
}

describe('fuzzing the API', () => {
	it('never answers 5xx or leaks internals, and never changes the ledger', async () => {
		const before = await readCharges(setup.env.DATABASE_URL);
		// a valid customerPortal call opens a portal session (and makes the Stripe customer once): not a charge
		const chargePosts = () =>
			setup.double.requests.filter((r) => r.method === 'POST' && r.path !== '/v1/billing_portal/sessions' && r.path !== '/v1/customers')
				.length;
		const stripePosts = chargePosts();
		let requests = 0;
		await fc.assert(
			fc.asyncProperty(fc.constantFrom(...procedures), nastyText, async (procedure, text) => {
				// the open charge itself is a valid target for cancel: leave it alone
				if (procedure.name === 'cancelCharge' && text.includes(String(openChargeId))) return;
				const { status, body } = await send(procedure.name, procedure.isQuery, text);
				requests++;
				expect(status, `${procedure.name} ${text.slice(0, 80)}`).toBeLessThan(500);
				expect(body).not.toMatch(/\bat .*\.(js|ts):\d+|SqliteError|stack"/);
			}),
			{ numRuns: 2500 }
		);
		expect(requests).toBeGreaterThan(2000);
		expect(await readCharges(setup.env.DATABASE_URL)).toEqual(before);
		// only the reuse of the open charge may have reached Stripe: no new objects
		expect(setup.double.paymentIntents()).toHaveLength(1);
		expect(setup.double.invoices()).toHaveLength(0);
		expect(chargePosts()).toBe(stripePosts);
	}, 240_000);

	it('answers batches, malformed JSON and wrong methods with 4xx', async () => {
		const url = `${setup.server.url}/api/trpc`;
		const batch = await fetch(`${url}/billingStatus,charges?batch=1&input=${encodeURIComponent('{"0":{"serverId":1},"1":"x"}')}`);
		expect(batch.status).toBeGreaterThanOrEqual(400);
		expect(batch.status).toBeLessThan(500);
		const malformed = await fetch(`${url}/cancelCharge`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: '{"chargeId":'
		});
		expect(malformed.status).toBe(400);
		const wrongMethod = await fetch(`${url}/createPaymentIntent`);
		expect(wrongMethod.status).toBe(405);
		const unknown = await fetch(`${url}/dropTables`);
		expect(unknown.status).toBe(404);
	});

	it('refuses a 10 MB body with 413 before reading it', async () => {
		const huge = JSON.stringify({ serverId: 'x'.repeat(10 * 1024 * 1024) });
		const response = await fetch(`${setup.server.url}/api/trpc/createPaymentIntent`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: huge
		});
		expect(response.status).toBe(413);
		const huge2 = await fetch(`${setup.server.url}/webhooks/stripe`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: huge
		});
		expect(huge2.status).toBe(413);
	});

	it('fuzzes the prototype JSON endpoints', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.string(),
				fc.oneof(fc.string(), fc.json()),
				fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/xml'),
				async (query, body, type) => {
					const get = await fetch(`${setup.server.url}/api/billing-status?${encodeURIComponent(query)}`);
					expect(get.status).toBe(200);
					const post = await fetch(`${setup.server.url}/api/create-payment-intent`, {
						method: 'POST',
						headers: { 'content-type': type },
						body
					});
					// JSON posts get the open intent back; form-like types are refused by the CSRF check
					expect([200, 403, 415]).toContain(post.status);
				}
			),
			{ numRuns: 300 }
		);
		expect(setup.double.paymentIntents()).toHaveLength(1);
	}, 120_000);
});
