import { writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { bootFile, startBilling, type BillingSetup } from '../support/billing';
import { DATABASES } from '../support/databases';

/** ¥100 a second is more than a year of it fits in one Stripe amount: a monthly cap keeps that rate valid (config/bounds.ts) */
const FAST_RATE_CAP = '8000000';

let setup: BillingSetup | undefined;
afterEach(async () => {
	await setup?.close();
	setup = undefined;
});

const unix = (iso: string) => Date.parse(iso) / 1000;

describe.each(DATABASES)('invoices on %s', (kind) => {
	it('invoices one item per server and month (runs summed, counted in the description) with its period, and finalizes (JPY)', async () => {
		// two runs: a boot 3 h ago, then a reboot right after the app's first sample
		const file = bootFile(3 * 3600);
		setup = await startBilling(kind, { BOOT_TIME_FILE: file, SAMPLE_INTERVAL_SECONDS: '1' });
		writeFileSync(file, String(Date.now() + 1000));
		await new Promise((r) => setTimeout(r, 2500));
		const { client, double } = setup;
		const invoice = await client.createInvoice.mutate();
		expect(invoice.hostedInvoiceUrl).toMatch(/^https:\/\/invoice\.stripe\.com\//);
		// the customer's PDF too, in the answer and in the history
		expect(invoice.invoicePdfUrl).toBe(setup.double.get(invoice.invoiceId).invoice_pdf);
		expect(invoice.invoicePdfUrl).toMatch(/^https:\/\/.*pdf/);
		expect((await setup.client.charges.query()).items[0].invoicePdfUrl).toBe(invoice.invoicePdfUrl);
		expect(invoice.status).toBe('pending');
		const stored = double.get(invoice.invoiceId);
		expect(stored).toMatchObject({ status: 'open', collection_method: 'send_invoice', currency: 'jpy', total: invoice.amountMinor });
		expect(stored.due_date - stored.created).toBe(30 * 86_400); // DAYS_UNTIL_DUE
		const lines = stored.lines.data;
		// both runs in one line (Stripe allows 250 lines an invoice): their seconds summed, rounded once
		expect(lines).toHaveLength(1);
		const [line] = lines;
		expect(line.description).toMatch(/^test-server uptime \d{4}-\d\d-\d\d \d\d:\d\d → .* UTC, [\d.]+ h × ¥100\/h \(2 runs\)$/);
		expect(line.period.start).toBe(unix(invoice.periodStart));
		// the second run is short: it is billed as the 60 s minimum, so the line may reach past the last sighting
		expect(line.period.end).toBeGreaterThanOrEqual(unix(invoice.periodEnd));
		const yen = (seconds: number) => Math.floor((seconds * 100 * 2 + 3600) / 7200);
		expect(line.amount).toBeLessThanOrEqual(yen(line.period.end - line.period.start));
		expect(line.amount).toBeGreaterThanOrEqual(yen(line.period.end - line.period.start - 5));
		expect(line.amount).toBe(invoice.amountMinor);
		// the customer was created once from CUSTOMER_EMAIL and the lines were added to this invoice, in one request
		expect(double.customers()).toMatchObject([{ email: 'ops@example.com', name: 'Example Ops' }]);
		const adds = double.requests.filter((r) => r.path.endsWith('/add_lines'));
		expect(adds.map((r) => r.path)).toEqual([`/v1/invoices/${invoice.invoiceId}/add_lines`]);
		expect(double.requests.filter((r) => r.path === '/v1/invoiceitems')).toHaveLength(0);
	});

	it('bills USD in cents and charges a saved card automatically', async () => {
		setup = await startBilling(kind, { CURRENCY: 'usd', HOURLY_RATE: '1.25', BOOT_TIME_FILE: bootFile(10 * 3600) });
		const { client, double } = setup;
		// a customer with a default payment method, named by STRIPE_CUSTOMER_ID
		const customer = await fetch(`${double.url}/v1/customers`, {
			method: 'POST',
			headers: { authorization: `Bearer ${setup.env.STRIPE_SECRET_KEY}`, 'content-type': 'application/x-www-form-urlencoded' },
			body: 'email=card%40example.com&invoice_settings[default_payment_method]=pm_card_visa'
		}).then((r) => r.json());
		await setup.restart({ STRIPE_CUSTOMER_ID: customer.id });
		const invoice = await setup.client.createInvoice.mutate();
		const stored = double.get(invoice.invoiceId);
		expect(stored.customer).toBe(customer.id);
		expect(stored.collection_method).toBe('charge_automatically');
		expect(stored.currency).toBe('usd');
		const seconds = unix(invoice.periodEnd) - unix(invoice.periodStart);
		expect(invoice.amountMinor).toBe(Number((BigInt(seconds) * 125n * 2n + 3600n) / 7200n)); // cents, half-up
		expect(stored.total).toBe(invoice.amountMinor);
		void client;
	});

	it('remembers the customer it created and reuses it for the next invoice', async () => {
		// ¥100 a second, so a second invoice is due a moment after the first
		setup = await startBilling(kind, { HOURLY_RATE: '360000', MONTHLY_CAP: FAST_RATE_CAP });
		const first = await setup.client.createInvoice.mutate();
		await setup.double.payInvoice(first.invoiceId);
		await setup.double.flushWebhooks();
		await setup.restart();
		await new Promise((r) => setTimeout(r, 1000));
		const second = await setup.client.createInvoice.mutate();
		expect(second.invoiceId).not.toBe(first.invoiceId);
		expect(setup.double.customers()).toHaveLength(1);
		expect(setup.double.get(second.invoiceId).customer).toBe(setup.double.get(first.invoiceId).customer);
	});

	it('asks for a customer when none is configured, sending nothing to Stripe', async () => {
		setup = await startBilling(kind, { CUSTOMER_EMAIL: '', CUSTOMER_NAME: '' });
		const error = await setup.client.createInvoice.mutate().catch((e) => e);
		expect(error.data).toMatchObject({ errorCode: 'CUSTOMER_REQUIRED', httpStatus: 412 });
		expect(error.message).toContain('STRIPE_CUSTOMER_ID');
		expect(setup.double.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
	});

	it('refuses an invoice while a payment is open for the server', async () => {
		setup = await startBilling(kind);
		const intent = await setup.client.createPaymentIntent.mutate();
		const error = await setup.client.createInvoice.mutate().catch((e) => e);
		expect(error.data).toMatchObject({ errorCode: 'CHARGE_PENDING', httpStatus: 409, details: { chargeId: intent.chargeId } });
	});
});

describe('the prototype POST /api/create-payment-intent', () => {
	it('answers success with the client secret, and the same intent when asked again', async () => {
		setup = await startBilling('sqlite');
		const post = () =>
			fetch(`${setup!.server.url}/api/create-payment-intent`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: '{}'
			});
		const first = await (await post()).json();
		expect(first).toMatchObject({ success: true, payment_intent: { currency: 'jpy', status: 'pending' } });
		expect(first.client_secret).toMatch(/_secret_/);
		expect(first.billing_info.server_name).toBe('test-server');
		const second = await (await post()).json();
		expect(second.payment_intent.id).toBe(first.payment_intent.id);
		expect(setup.double.paymentIntents()).toHaveLength(1);
	});

	it('answers success: false with the reason and a 4xx when below the minimum', async () => {
		setup = await startBilling('sqlite', { BOOT_TIME_FILE: bootFile(300) });
		const reply = await fetch(`${setup.server.url}/api/create-payment-intent`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: '{}'
		});
		expect(reply.status).toBe(412);
		const body = await reply.json();
		expect(body).toMatchObject({ success: false, code: 'BELOW_MINIMUM' });
		expect(body.error).toContain('¥50');
	});
});
