import { afterEach, describe, expect, it } from 'vitest';
import { createBillingClient, type BillingClient } from '../../src/lib/client';
import { failureOf, startBilling, type BillingSetup } from '../support/billing';
import { DATABASES } from '../support/databases';
import { expectConsistentLedger, readCharges } from '../support/ledger';
import { startServer, type TestServer } from '../support/server';

/**
 * Billing a customer (SPEC §12): every server of theirs in one charge, a line per server and
 * month, the tax rounded once per charge, and the same exactly-once rules as per-server billing.
 */
const iso = (ms: number) => new Date(ms).toISOString();
const HOUR = 3600_000;

let setup: BillingSetup | undefined;
let second: TestServer | undefined;
afterEach(async () => {
	await second?.kill();
	await setup?.close();
	second = undefined;
	setup = undefined;
});

/** Two customers with two servers each, every server up for the last `hours` (registered, metered and seen just now). */
async function twoCustomers(admin: BillingClient, url: string, hours = 2) {
	const now = Date.now();
	await admin.addCustomer.mutate({ id: 'acme', name: 'Acme', email: 'billing@acme.example' });
	await admin.addCustomer.mutate({ id: 'globex', name: 'Globex', email: 'ap@globex.example', taxRate: '10' });
	const agents: Record<string, BillingClient> = {};
	for (const [customerId, servers] of [
		['acme', ['acme-1', 'acme-2']],
		['globex', ['globex-1', 'globex-2']]
	] as const) {
		for (const [i, id] of servers.entries()) {
			const boot = now - hours * HOUR - i * 600_000;
			const { token } = await admin.addServer.mutate({ id, name: id, customerId, meteringStart: iso(boot) });
			agents[id] = createBillingClient(url, { token });
			await agents[id].heartbeat.mutate({ beats: [{ bootTime: iso(boot), seenAt: iso(now - 1000) }] });
		}
	}
	return agents;
}

describe.each(DATABASES)('billing a customer on %s', (kind) => {
	it('invoices every server of the customer in one Stripe invoice: a line per server and month, lines + tax = the charge', async () => {
		setup = await startBilling(kind);
		const { client, double } = setup;
		await twoCustomers(client, setup.server.url);
		const invoice = await client.createInvoice.mutate({ customerId: 'globex' });
		expect(invoice.customerId).toBe('globex');
		expect(double.invoices()).toHaveLength(1);
		const atStripe = double.get(invoice.invoiceId);
		expect(atStripe.metadata).toMatchObject({ charge_id: String(invoice.chargeId), customer_id: 'globex' });
		expect(atStripe.metadata.server_id).toBeUndefined();
		const customer = double.get(atStripe.customer);
		expect(customer.email).toBe('ap@globex.example');
		const lines = atStripe.lines.data as {
			amount: number;
			metadata: Record<string, string>;
			taxes: { tax_rate_details: { tax_rate: string } }[];
		}[];
		const serverLines = lines.filter((l) => l.metadata.server_id);
		expect(new Set(serverLines.map((l) => l.metadata.server_id))).toEqual(new Set(['globex-1', 'globex-2']));
		// 10% consumption tax, rounded once for the charge: net + tax = gross = what Stripe collects
		expect(invoice.taxRate).toBe('10');
		expect(invoice.netMinor).toBe(serverLines.reduce((sum, l) => sum + l.amount, 0));
		expect(invoice.taxMinor).toBe(Math.floor((invoice.netMinor * 10 * 2 + 100) / 200));
		expect(invoice.amountMinor).toBe(invoice.netMinor + invoice.taxMinor);
		expect(atStripe.total).toBe(invoice.amountMinor);
		// every server line carries the customer's Stripe tax rate (10%), so the invoice shows the tax
		const rates = new Set(serverLines.map((l) => l.taxes[0]?.tax_rate_details.tax_rate));
		expect(rates.size).toBe(1);
		expect(double.get([...rates][0]!)).toMatchObject({ percentage: 10, inclusive: false });
		// the tax rate is made once and reused
		await client.createInvoice.mutate({ customerId: 'acme' });
		expect(double.requests.filter((r) => r.method === 'POST' && r.path === '/v1/tax_rates')).toHaveLength(1);
		// Acme has no tax: its invoice has no tax rate and no rounding line
		const acme = double.invoices().find((i) => i.metadata?.customer_id === 'acme')!;
		expect(acme.lines.data.every((l) => l.taxes?.length === 0)).toBe(true);

		// paying it settles the charge at the gross amount; each server's window moves
		await double.payInvoice(invoice.invoiceId);
		await double.flushWebhooks();
		const history = await client.charges.query({ customerId: 'globex' });
		expect(history.items[0]).toMatchObject({ id: invoice.chargeId, status: 'succeeded', amountMinor: invoice.amountMinor });
		const onServer = await client.charges.query({ serverId: 'globex-2' });
		expect(onServer.items.map((c) => c.id)).toEqual([invoice.chargeId]);
		const ledger = await readCharges(setup.env.DATABASE_URL);
		for (const server of ['acme-1', 'acme-2', 'globex-1', 'globex-2']) expectConsistentLedger(ledger.filter((c) => c.server_id === server));
	});

	it('a Payment Intent for a customer names their Stripe customer and receipt email, and a saved card becomes their default', async () => {
		setup = await startBilling(kind);
		const { client, double } = setup;
		await twoCustomers(client, setup.server.url);
		const intent = await client.createPaymentIntent.mutate({ customerId: 'acme', saveCard: true });
		const atStripe = double.get(intent.paymentIntentId);
		expect(atStripe).toMatchObject({
			receipt_email: 'billing@acme.example',
			setup_future_usage: 'off_session',
			amount: intent.amountMinor
		});
		expect(double.get(atStripe.customer).email).toBe('billing@acme.example');
		expect(intent.saveCard).toBe(true);
		await double.confirmPaymentIntent(intent.paymentIntentId, 'pm_card_visa');
		await double.flushWebhooks();
		const customer = double.get(atStripe.customer);
		expect(customer.invoice_settings.default_payment_method).toBe(double.get(intent.paymentIntentId).payment_method);
		const [paid] = (await client.charges.query({ customerId: 'acme' })).items;
		expect(paid).toMatchObject({ id: intent.chargeId, status: 'succeeded' });
	});

	it('a per-server charge and a customer charge never bill the same server at once, and pieces add up to billing once', async () => {
		setup = await startBilling(kind);
		const { client, double } = setup;
		const agents = await twoCustomers(client, setup.server.url, 5);
		const own = await client.createPaymentIntent.mutate({ serverId: 'acme-1' });
		const busy = await failureOf(client.createPaymentIntent.mutate({ customerId: 'acme' }));
		expect(busy.data.httpStatus).toBe(409);
		expect(busy.message).toContain(`#${own.chargeId}`);
		await double.confirmPaymentIntent(own.paymentIntentId, 'pm_card_visa');
		await double.flushWebhooks();
		// acme-1 stays up a little longer (same boot)
		await new Promise((r) => setTimeout(r, 2000));
		const boot = Date.parse((await client.billingStatus.query({ serverId: 'acme-1' })).bootTime!);
		await agents['acme-1'].heartbeat.mutate({ beats: [{ bootTime: iso(boot), seenAt: iso(Date.now()) }] });
		// acme-1 is paid up to its charge's end; the customer's charge bills acme-1 from there, acme-2 from its start
		const all = await client.createPaymentIntent.mutate({ customerId: 'acme' });
		const refused = await failureOf(client.createInvoice.mutate({ serverId: 'acme-2' }));
		expect(refused.data.httpStatus).toBe(409);
		const ledger = await readCharges(setup.env.DATABASE_URL);
		const acme1 = ledger.filter((c) => c.server_id === 'acme-1');
		expect(acme1.map((c) => c.id)).toEqual([own.chargeId, all.chargeId]);
		expect(acme1[1].period_start).toBe(acme1[0].period_end);
		expectConsistentLedger(acme1);
		// in pieces = at once: acme-1's two charges and acme-2's share cost what one charge for both would
		// (¥100/h, each server's seconds rounded once per month: same month here)
		const seconds = (c: { period_start: number; period_end: number }) => (c.period_end - c.period_start) / 1000;
		const yen = (s: number) => Math.floor((s * 100 * 2 + 3600) / 7200);
		const acme2 = ledger.find((c) => c.server_id === 'acme-2')!;
		const once = yen(seconds(acme1[0]) + seconds(acme1[1])) + yen(seconds(acme2));
		expect(own.amountMinor + all.amountMinor).toBe(once);
	});

	it('a customer with nothing owed, or no servers, is told so (412), and another customer is untouched', async () => {
		setup = await startBilling(kind);
		const { client, double } = setup;
		await client.addCustomer.mutate({ id: 'empty', name: 'Empty', email: 'e@example.com' });
		const none = await failureOf(client.createPaymentIntent.mutate({ customerId: 'empty' }));
		expect(none.data.httpStatus).toBe(412);
		const unknown = await failureOf(client.createInvoice.mutate({ customerId: 'nobody' }));
		expect(unknown.data.httpStatus).toBe(404);
		const both = await failureOf(client.createInvoice.mutate({ customerId: 'empty', serverId: 'local' }));
		expect(both.data.httpStatus).toBe(400);
		expect(double.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
	});
});

describe('scheduled billing per customer', () => {
	it('two instances on one PostgreSQL make one invoice per customer for a tick, once', async () => {
		setup = await startBilling('postgres', { MUTATION_RATE_LIMIT: '1000' });
		const { client, double } = setup;
		await twoCustomers(client, setup.server.url);
		second = await startServer(setup.env);
		const other = createBillingClient(second.url);
		// both instances run the same tick at once (billNow takes the current second as the tick)
		const [a, b] = await Promise.all([client.billNow.mutate(), other.billNow.mutate()]);
		const outcomes = [a.outcome, b.outcome].sort();
		expect(outcomes.filter((o) => o === 'billed').length).toBeGreaterThanOrEqual(1);
		// default (this machine), acme, globex: three customers, one invoice each, whichever instance made it
		const perCustomer = new Map<string, number>();
		for (const invoice of double.invoices()) {
			const id = invoice.metadata?.customer_id ?? '';
			perCustomer.set(id, (perCustomer.get(id) ?? 0) + 1);
		}
		expect(Object.fromEntries(perCustomer)).toEqual({ default: 1, acme: 1, globex: 1 });
		const acme = double.invoices().find((i) => i.metadata?.customer_id === 'acme')!;
		expect(new Set(acme.lines.data.map((l) => l.metadata?.server_id ?? ''))).toEqual(new Set(['acme-1', 'acme-2']));
		const ledger = await readCharges(setup.env.DATABASE_URL);
		for (const server of new Set(ledger.map((c) => c.server_id))) expectConsistentLedger(ledger.filter((c) => c.server_id === server));
		expect(setup.server.output() + second.output()).not.toContain('"level":50');
	}, 60_000);
});
