import { afterEach, describe, expect, it } from 'vitest';
import { failureOf, startBilling, type BillingSetup } from '../support/billing';
import { DATABASES } from '../support/databases';

/** ¥ at 100/h, by hand: seconds × 100 / 3600, rounded half-up. */
const yenAt100 = (seconds: number) => Math.floor((seconds * 100 * 2 + 3600) / 7200);
const secondsOf = (c: { periodStart: string; periodEnd: string }) => (Date.parse(c.periodEnd) - Date.parse(c.periodStart)) / 1000;

let setup: BillingSetup | undefined;
afterEach(async () => {
	await setup?.close();
	setup = undefined;
});

describe.each(DATABASES)('payment intents on %s', (kind) => {
	it('bills the ledger amount of the unbilled window, with metadata and an idempotency key', async () => {
		setup = await startBilling(kind);
		const { client, double } = setup;
		const intent = await client.createPaymentIntent.mutate();
		expect(intent.amountMinor).toBe(yenAt100(secondsOf(intent)));
		expect(intent.currency).toBe('jpy');
		expect(intent.clientSecret).toMatch(/^pi_\w+_secret_\w+$/);
		const stored = double.get(intent.paymentIntentId);
		expect(stored).toMatchObject({ amount: intent.amountMinor, currency: 'jpy', status: 'requires_payment_method' });
		expect(stored.metadata).toMatchObject({
			charge_id: String(intent.chargeId),
			server_id: 'local',
			period_start: intent.periodStart,
			period_end: intent.periodEnd
		});
		const create = double.requests.find((r) => r.path === '/v1/payment_intents' && r.method === 'POST');
		// the key names this installation, so two installations on one Stripe account never share one
		expect(create?.idempotencyKey).toMatch(new RegExp(`^sb-[0-9a-f]{12}-charge-${intent.chargeId}-payment-intent$`));
		expect(create?.stripeVersion).toBe('2026-10-28.endive');
		const status = await client.billingStatus.query();
		expect(status.pendingCharge?.id).toBe(intent.chargeId);
		expect(status.periodStart).toBe(intent.periodEnd);
	});

	it('gives two concurrent callers the same Payment Intent, and asking again returns it', async () => {
		setup = await startBilling(kind);
		const { client, double } = setup;
		double.setLatency(300);
		const [a, b] = await Promise.all([client.createPaymentIntent.mutate(), client.createPaymentIntent.mutate()]);
		double.setLatency(0);
		expect(a.paymentIntentId).toBe(b.paymentIntentId);
		expect(a.chargeId).toBe(b.chargeId);
		const again = await client.createPaymentIntent.mutate();
		expect(again.paymentIntentId).toBe(a.paymentIntentId);
		expect(double.paymentIntents()).toHaveLength(1);
	});

	it('marks the charge paid on a signed webhook and moves the unbilled window', async () => {
		setup = await startBilling(kind);
		const { client, double } = setup;
		const intent = await client.createPaymentIntent.mutate();
		await double.confirmPaymentIntent(intent.paymentIntentId, 'pm_card_visa');
		await double.flushWebhooks();
		const status = await client.billingStatus.query();
		expect(status.pendingCharge).toBeNull();
		expect(status.lastCharge).toMatchObject({ id: intent.chargeId, status: 'succeeded', amountMinor: intent.amountMinor });
		expect(status.periodStart).toBe(intent.periodEnd);
		// the next charge starts exactly where this one ended: no second billed twice, none lost
		const history = await client.charges.query();
		expect(history.items.map((c) => c.status)).toEqual(['succeeded']);
	});

	it('keeps a declined charge open with Stripe message, and the customer can pay it on the same intent', async () => {
		setup = await startBilling(kind);
		const { client, double } = setup;
		const intent = await client.createPaymentIntent.mutate();
		await expect(double.confirmPaymentIntent(intent.paymentIntentId, 'pm_card_chargeDeclinedInsufficientFunds')).rejects.toBeTruthy();
		await double.flushWebhooks();
		let status = await client.billingStatus.query();
		expect(status.pendingCharge).toMatchObject({
			id: intent.chargeId,
			status: 'pending',
			failureMessage: 'Your card has insufficient funds.'
		});
		await double.confirmPaymentIntent(intent.paymentIntentId, 'pm_card_visa');
		await double.flushWebhooks();
		status = await client.billingStatus.query();
		expect(status.lastCharge).toMatchObject({ id: intent.chargeId, status: 'succeeded' });
		expect(double.paymentIntents()).toHaveLength(1);
	});

	it('cancels an open charge at Stripe and releases its window', async () => {
		setup = await startBilling(kind);
		const { client, double } = setup;
		const before = await client.billingStatus.query();
		const intent = await client.createPaymentIntent.mutate();
		const canceled = await client.cancelCharge.mutate({ chargeId: intent.chargeId });
		expect(canceled.status).toBe('canceled');
		expect(double.get(intent.paymentIntentId).status).toBe('canceled');
		const after = await client.billingStatus.query();
		expect(after.periodStart).toBe(before.periodStart);
		expect(after.pendingCharge).toBeNull();
		const second = await client.createPaymentIntent.mutate();
		expect(second.chargeId).not.toBe(intent.chargeId);
		expect(second.periodStart).toBe(intent.periodStart);
		const again = await failureOf(client.cancelCharge.mutate({ chargeId: intent.chargeId }));
		expect(again.data.errorCode).toBe('CHARGE_NOT_CANCELABLE');
	});

	it('refuses an amount below Stripe minimum, naming both, and sends nothing to Stripe', async () => {
		setup = await startBilling(kind, { BOOT_TIME_FILE: (await import('../support/billing')).bootFile(600) });
		const { client, double } = setup;
		const error = await failureOf(client.createPaymentIntent.mutate());
		expect(error.data.errorCode).toBe('BELOW_MINIMUM');
		expect(error.data.httpStatus).toBe(412);
		expect(error.message).toContain('¥17');
		expect(error.message).toContain('¥50');
		expect(error.data.details).toMatchObject({ amountMinor: 17, minimumMinor: 50 });
		const invoiceError = await failureOf(client.createInvoice.mutate());
		expect(invoiceError.data.errorCode).toBe('BELOW_MINIMUM');
		expect(double.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
		expect((await client.charges.query()).items).toHaveLength(0);
	});
});

describe.each(DATABASES)('Stripe faults on %s', (kind) => {
	it('retries a 500 with the same idempotency key and creates one Payment Intent', async () => {
		setup = await startBilling(kind);
		const { client, double } = setup;
		double.fault({ method: 'POST', path: '/v1/payment_intents', kind: 500 });
		double.fault({ method: 'POST', path: '/v1/payment_intents', kind: 'after', nth: 2 });
		const intent = await client.createPaymentIntent.mutate();
		const attempts = double.requests.filter((r) => r.method === 'POST' && r.path === '/v1/payment_intents');
		expect(attempts.length).toBe(3);
		expect(new Set(attempts.map((r) => r.idempotencyKey)).size).toBe(1);
		expect(attempts[0].idempotencyKey).toMatch(new RegExp(`-charge-${intent.chargeId}-payment-intent$`));
		expect(double.paymentIntents()).toHaveLength(1);
		expect(double.paymentIntents()[0].id).toBe(intent.paymentIntentId);
	});

	it('reports Stripe unreachable clearly when retries run out, charges nothing, and resumes the same charge', async () => {
		setup = await startBilling(kind);
		const { client, double } = setup;
		double.fault({ method: 'POST', path: '/v1/payment_intents', kind: 500, times: 3 });
		const error = await failureOf(client.createPaymentIntent.mutate());
		expect(error.data.errorCode).toBe('STRIPE_UNAVAILABLE');
		expect(error.data.httpStatus).toBe(503);
		expect(error.message).toMatch(/Nothing was charged/);
		expect(double.paymentIntents()).toHaveLength(0);
		const status = await client.billingStatus.query();
		expect(status.pendingCharge).toMatchObject({ status: 'creating', failureMessage: 'Stripe could not be reached' });
		const intent = await client.createPaymentIntent.mutate();
		expect(intent.chargeId).toBe(status.pendingCharge!.id);
		expect(double.paymentIntents()).toHaveLength(1);
	});

	it('maps a dropped connection and a timeout to retries without duplicates', async () => {
		setup = await startBilling(kind);
		const { client, double } = setup;
		double.fault({ method: 'POST', path: '/v1/payment_intents', kind: 'drop' });
		const intent = await client.createPaymentIntent.mutate();
		expect(double.paymentIntents().map((p) => p.id)).toEqual([intent.paymentIntentId]);
	});
});
