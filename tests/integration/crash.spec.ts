import { afterEach, describe, expect, it } from 'vitest';
import { createBillingClient } from '../../src/lib/client';
import { startBilling, type BillingSetup } from '../support/billing';
import { DATABASES } from '../support/databases';
import { until } from '../support/until';

let setup: BillingSetup | undefined;
afterEach(async () => {
	await setup?.close();
	setup = undefined;
});

describe.each(DATABASES)('a crash (SIGKILL) in the middle of a charge on %s', (kind) => {
	it.each([
		['before Stripe created the Payment Intent', 'timeout' as const],
		['after Stripe created it, before the app recorded it', 'stall' as const]
	])('%s: after restart exactly one Payment Intent exists and the ledger matches it', async (_label, fault) => {
		setup = await startBilling(kind);
		const { double } = setup;
		double.fault({ method: 'POST', path: '/v1/payment_intents', kind: fault });
		// the call hangs inside the Stripe request; the charge row is already written
		void setup.client.createPaymentIntent.mutate().catch(() => {});
		await until(() => double.requests.some((r) => r.path === '/v1/payment_intents'), 'the Stripe call');
		await setup.server.kill();
		expect(double.paymentIntents()).toHaveLength(fault === 'stall' ? 1 : 0);

		await setup.restart();
		const client = createBillingClient(setup.server.url);
		// start-up reconciliation completes the charge with its original idempotency key
		await until(async () => (await client.billingStatus.query()).pendingCharge?.status === 'pending', 'reconciliation');
		const intents = double.paymentIntents();
		expect(intents).toHaveLength(1);
		const status = await client.billingStatus.query();
		const charge = status.pendingCharge!;
		expect(charge.stripeId).toBe(intents[0].id);
		expect(intents[0].amount).toBe(charge.amountMinor);
		expect(intents[0].metadata.charge_id).toBe(String(charge.id));
		const keys = new Set(double.requests.filter((r) => r.path === '/v1/payment_intents').map((r) => r.idempotencyKey));
		expect(keys.size).toBe(1);
		expect([...keys][0]).toMatch(new RegExp(`^sb-[0-9a-f]{12}-charge-${charge.id}-payment-intent$`));
		// and the customer gets that same intent when paying
		const intent = await client.createPaymentIntent.mutate();
		expect(intent.paymentIntentId).toBe(intents[0].id);
		expect(double.paymentIntents()).toHaveLength(1);
	});

	it('a crash during invoice creation resumes the same invoice with each item once', async () => {
		setup = await startBilling(kind);
		const { double } = setup;
		const addLines = /^\/v1\/invoices\/[^/]+\/add_lines$/;
		double.fault({ method: 'POST', path: addLines, kind: 'stall' });
		void setup.client.createInvoice.mutate().catch(() => {});
		await until(() => double.requests.some((r) => addLines.test(r.path)), 'the call adding the lines');
		await setup.server.kill();
		await setup.restart();
		const client = createBillingClient(setup.server.url);
		await until(async () => (await client.billingStatus.query()).pendingCharge?.status === 'pending', 'reconciliation');
		const invoices = double.invoices();
		expect(invoices).toHaveLength(1);
		expect(invoices[0].status).toBe('open');
		const charge = (await client.billingStatus.query()).pendingCharge!;
		expect(invoices[0].total).toBe(charge.amountMinor);
		expect(double.invoiceItems()).toHaveLength(invoices[0].lines.data.length);
	});
});
