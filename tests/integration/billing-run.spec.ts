import SQLite from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createBillingClient } from '../../src/lib/client';
import { startBilling, type BillingSetup } from '../support/billing';
import { expectConsistentLedger, readCharges } from '../support/ledger';
import { until } from '../support/until';

const ADMIN_TOKEN = 'billing-run-admin-token-0123456789';
const FLEET = 30;
/** the fleet and this machine (the local server) */
const SERVERS = FLEET + 1;
/** the fleet in ten customers of three servers, and this machine's default customer */
const CUSTOMERS = 10 + 1;
const iso = (ms: number) => new Date(ms).toISOString();

let setup: BillingSetup | undefined;
afterEach(async () => {
	await setup?.close();
	setup = undefined;
});

/** The built server with STRIPE_MAX_RPS and a fleet of remote servers, each up (and metered) for the last two hours. */
async function fleetBilling(maxRps: number): Promise<BillingSetup> {
	const billing = await startBilling('sqlite', { ADMIN_TOKEN, STRIPE_MAX_RPS: String(maxRps), MUTATION_RATE_LIMIT: '100000' });
	const admin = createBillingClient(billing.server.url, { token: ADMIN_TOKEN });
	const now = Date.now();
	for (let c = 0; c < CUSTOMERS - 1; c++) {
		await admin.addCustomer.mutate({ id: `customer-${c}`, name: `Customer ${c}`, email: `billing@customer-${c}.example` });
	}
	for (let i = 0; i < FLEET; i++) {
		const { token } = await admin.addServer.mutate({
			id: `web-${i}`,
			name: `Web ${i}`,
			customerId: `customer-${i % (CUSTOMERS - 1)}`,
			meteringStart: iso(now - 2 * 3600_000)
		});
		const agent = createBillingClient(billing.server.url, { token });
		await agent.heartbeat.mutate({ beats: [{ bootTime: iso(now - 2 * 3600_000), seenAt: iso(now - 5_000) }] });
	}
	return billing;
}

/** The most requests the double saw start in any window [t, t + 1 s). */
function busiestSecond(times: number[]): number {
	const sorted = [...times].sort((a, b) => a - b);
	let most = 0;
	for (let i = 0, j = 0; i < sorted.length; i++) {
		while (sorted[i] - sorted[j] >= 1000) j++;
		most = Math.max(most, i - j + 1);
	}
	return most;
}

/** Invoices at Stripe per customer (by the metadata every invoice carries). */
function invoicesPerCustomer(setup: BillingSetup): Map<string, number> {
	const counts = new Map<string, number>();
	for (const invoice of setup.double.invoices()) {
		const customerId = invoice.metadata?.customer_id ?? '';
		counts.set(customerId, (counts.get(customerId) ?? 0) + 1);
	}
	return counts;
}

/** One invoice per customer, each server on exactly one of them, and every server's ledger whole. */
async function expectEveryCustomerBilledOnce(setup: BillingSetup) {
	const perCustomer = invoicesPerCustomer(setup);
	expect(perCustomer.size, 'customers invoiced').toBe(CUSTOMERS);
	expect(
		[...perCustomer.values()].every((n) => n === 1),
		'one invoice per customer'
	).toBe(true);
	expect(setup.double.invoices().every((i) => i.status === 'open')).toBe(true);
	const servedLines = setup.double.invoices().flatMap((i) => i.lines.data.map((l) => l.metadata?.server_id ?? ''));
	expect(servedLines, 'every server on exactly one invoice line').toHaveLength(SERVERS);
	expect(servedLines.sort()).toEqual(['local', ...Array.from({ length: FLEET }, (_, i) => `web-${i}`)].sort());
	const charges = await readCharges(setup.env.DATABASE_URL);
	expect(new Set(charges.filter((c) => c.status === 'pending').map((c) => c.id)).size).toBe(CUSTOMERS);
	for (const server of new Set(charges.map((c) => c.server_id))) expectConsistentLedger(charges.filter((c) => c.server_id === server));
}

describe('the billing run under Stripe’s rate limit', () => {
	it('paces every Stripe call at STRIPE_MAX_RPS, pauses everyone on a 429, and invoices each customer once', async () => {
		setup = await fleetBilling(5);
		const { double } = setup;
		const rateLimited = double.fault({ method: 'POST', path: /\/add_lines$/, nth: 6, kind: 429 });
		const admin = createBillingClient(setup.server.url, { token: ADMIN_TOKEN });
		const report = await admin.billNow.mutate();
		expect(report).toMatchObject({ outcome: 'billed', invoiced: CUSTOMERS, skipped: 0, failed: 0 });
		await expectEveryCustomerBilledOnce(setup);

		const times = double.requests.map((r) => r.time);
		expect(busiestSecond(times), 'requests in any one second (5, a few ms of jitter aside)').toBeLessThanOrEqual(6);
		// each Stripe customer made once (a customer made just now has no card: nothing to look up); then per
		// customer an invoice, its lines in one request, a finalize
		expect(double.requests.filter((r) => r.method === 'POST' && r.path === '/v1/customers')).toHaveLength(CUSTOMERS);
		expect(double.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/v1/customers/'))).toHaveLength(0);
		expect(double.requests.filter((r) => r.method === 'POST' && r.path === '/v1/invoices')).toHaveLength(CUSTOMERS);
		// the refused request was resent, and nothing at all started during the pause (no Retry-After: 1 s)
		expect(rateLimited.hits).toBe(1);
		const refused = double.requests.findIndex((r) => r.status === 429);
		const next = double.requests[refused + 1];
		expect(next.time - double.requests[refused].time).toBeGreaterThanOrEqual(1000 - 5);
		// each invoice's lines (one per server) in one request; the refused one sent again
		expect(double.requests.filter((r) => r.path.endsWith('/add_lines'))).toHaveLength(CUSTOMERS + 1);
		expect(setup.server.output()).toContain('billing run progress');
		expect(setup.server.output()).not.toContain('"level":50');
	}, 120_000);

	it('a run killed mid-way is finished after a restart, every customer billed exactly once', async () => {
		setup = await fleetBilling(10);
		const { double } = setup;
		// the 4th invoice is created at Stripe but its answer never arrives: a crash in the worst place
		double.fault({ method: 'POST', path: '/v1/invoices', nth: 4, kind: 'stall' });
		const admin = createBillingClient(setup.server.url, { token: ADMIN_TOKEN });
		const run = admin.billNow.mutate().catch(() => 'killed');
		const creations = () => double.requests.filter((r) => r.method === 'POST' && r.path === '/v1/invoices').length;
		await until(() => creations() >= 6, 'six invoice creations', 60_000);
		await setup.server.kill();
		expect(await run).toBe('killed');
		const before = invoicesPerCustomer(setup);
		expect(before.size, 'some customers invoiced before the crash, not all').toBeLessThan(CUSTOMERS);

		// the restarted instance finds the tick it claimed unfinished and resumes it once the claim lapses
		await setup.restart();
		await until(
			() => invoicesPerCustomer(setup!).size === CUSTOMERS && double.invoices().every((i) => i.status === 'open'),
			'every customer invoiced',
			90_000,
			200
		);
		const db = new SQLite(setup.env.DATABASE_URL, { readonly: true });
		await until(
			() => (db.prepare('select count(*) as n from billing_ticks where finished_at is null').get() as { n: number }).n === 0,
			'the tick finished',
			30_000,
			200
		);
		db.close();
		await expectEveryCustomerBilledOnce(setup);
		expect(setup.server.output()).toContain('resuming a billing tick left unfinished');
		// no charge created twice at Stripe: one invoice-creating key per charge, whatever was resent
		const keys = new Set(double.requests.filter((r) => r.method === 'POST' && r.path === '/v1/invoices').map((r) => r.idempotencyKey));
		expect(keys.size).toBe(CUSTOMERS);
	}, 180_000);
});
