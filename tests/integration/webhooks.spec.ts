import { afterEach, describe, expect, it } from 'vitest';
import { startBilling, WEBHOOK_SECRET, type BillingSetup } from '../support/billing';
import { DATABASES } from '../support/databases';
import { startServer } from '../support/server';

let setup: BillingSetup | undefined;
afterEach(async () => {
	await setup?.close();
	setup = undefined;
});

/** An app with an open Payment Intent charge, webhooks sent by hand (no automatic ones). */
async function withOpenCharge(kind: 'sqlite' | 'postgres', env: Record<string, string> = {}) {
	setup = await startBilling(kind, env);
	setup.double.setWebhook({ url: `${setup.server.url}/webhooks/stripe`, secret: WEBHOOK_SECRET }, false);
	const intent = await setup.client.createPaymentIntent.mutate();
	const paid = await setup.double.confirmPaymentIntent(intent.paymentIntentId, 'pm_card_visa');
	return { ...setup, intent, paid };
}

const chargeStatus = async (s: BillingSetup) => (await s.client.charges.query()).items[0].status;

describe.each(DATABASES)('webhooks on %s', (kind) => {
	it('applies an event once however often Stripe delivers it', async () => {
		const s = await withOpenCharge(kind);
		const first = await s.double.sendEvent('payment_intent.succeeded', s.paid);
		expect(first.status).toBe(200);
		expect(JSON.parse(first.body)).toEqual({ received: true });
		const replies = await Promise.all(
			Array.from({ length: 10 }, () => s.double.sendEvent('payment_intent.succeeded', s.paid, { event: first.event }))
		);
		expect(replies.map((r) => r.status)).toEqual(Array(10).fill(200));
		expect(replies.every((r) => JSON.parse(r.body).duplicate === true)).toBe(true);
		const history = await s.client.charges.query();
		expect(history.items).toHaveLength(1);
		expect(history.items[0]).toMatchObject({ status: 'succeeded', amountMinor: s.intent.amountMinor });
		expect((await s.client.billingStatus.query()).periodStart).toBe(s.intent.periodEnd);
	});

	it('never moves a charge backwards: a late payment_failed or canceled leaves it succeeded', async () => {
		const s = await withOpenCharge(kind);
		await s.double.sendEvent('payment_intent.succeeded', s.paid);
		const failedSnapshot = {
			...s.paid,
			status: 'requires_payment_method',
			last_payment_error: { code: 'card_declined', message: 'Your card was declined.' }
		};
		expect((await s.double.sendEvent('payment_intent.payment_failed', failedSnapshot)).status).toBe(200);
		expect((await s.double.sendEvent('payment_intent.canceled', { ...s.paid, status: 'canceled' })).status).toBe(200);
		const charge = (await s.client.charges.query()).items[0];
		expect(charge).toMatchObject({ status: 'succeeded', failureMessage: null });
	});

	it('accepts events in any order: a failure then the success', async () => {
		const s = await withOpenCharge(kind);
		const failedSnapshot = {
			...s.paid,
			status: 'requires_payment_method',
			last_payment_error: { code: 'card_declined', message: 'Your card was declined.' }
		};
		await s.double.sendEvent('payment_intent.payment_failed', failedSnapshot);
		expect(await chargeStatus(s)).toBe('pending');
		await s.double.sendEvent('payment_intent.succeeded', s.paid);
		expect(await chargeStatus(s)).toBe('succeeded');
	});

	it.each([
		['a wrong secret', { secret: 'whsec_not_the_right_one' }],
		['a stale timestamp', { timestamp: Math.floor(Date.now() / 1000) - 3600 }]
	])('rejects %s with 400 and changes nothing', async (_label, opts) => {
		const s = await withOpenCharge(kind);
		const reply = await s.double.sendEvent('payment_intent.succeeded', s.paid, opts);
		expect(reply.status).toBe(400);
		expect(reply.body).not.toContain(WEBHOOK_SECRET);
		expect(await chargeStatus(s)).toBe('pending');
	});

	it('rejects a missing signature and a body that is not JSON with 400', async () => {
		const s = await withOpenCharge(kind);
		const url = `${s.server.url}/webhooks/stripe`;
		const unsigned = await fetch(url, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ type: 'payment_intent.succeeded', data: { object: s.paid } })
		});
		expect(unsigned.status).toBe(400);
		const Stripe = (await import('stripe')).default;
		const payload = 'this is not json';
		const header = Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET });
		const garbage = await fetch(url, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'stripe-signature': header },
			body: payload
		});
		expect(garbage.status).toBe(400);
		expect(await chargeStatus(s)).toBe('pending');
	});

	it('answers unknown event types with 200 and ignores them', async () => {
		const s = await withOpenCharge(kind);
		const reply = await s.double.sendEvent('customer.created', { id: 'cus_x', object: 'customer' });
		expect(reply.status).toBe(200);
		expect(JSON.parse(reply.body)).toMatchObject({ ignored: 'customer.created' });
		expect(await chargeStatus(s)).toBe('pending');
	});

	it('settles invoices: paid → succeeded, voided → canceled', async () => {
		setup = await startBilling(kind);
		const invoice = await setup.client.createInvoice.mutate();
		expect(invoice.status).toBe('pending');
		await setup.double.payInvoice(invoice.invoiceId);
		await setup.double.flushWebhooks();
		expect(await chargeStatus(setup)).toBe('succeeded');

		const voided = await setup.double.sendEvent('invoice.voided', { ...setup.double.get(invoice.invoiceId), status: 'void' });
		expect(voided.status).toBe(200);
		expect(await chargeStatus(setup)).toBe('succeeded'); // a paid invoice cannot be voided afterwards
	});

	it('releases the window of a voided invoice', async () => {
		setup = await startBilling(kind);
		const before = await setup.client.billingStatus.query();
		const invoice = await setup.client.createInvoice.mutate();
		await setup.double.sendEvent('invoice.voided', { ...setup.double.get(invoice.invoiceId), status: 'void' });
		expect(await chargeStatus(setup)).toBe('canceled');
		expect((await setup.client.billingStatus.query()).periodStart).toBe(before.periodStart);
	});
});

describe('webhooks without STRIPE_WEBHOOK_SECRET', () => {
	it('refuses every event', async () => {
		const server = await startServer({});
		try {
			const Stripe = (await import('stripe')).default;
			const payload = JSON.stringify({ id: 'evt_1', object: 'event', type: 'payment_intent.succeeded', data: { object: {} } });
			const header = Stripe.webhooks.generateTestHeaderString({ payload, secret: 'whsec_anything' });
			const reply = await fetch(`${server.url}/webhooks/stripe`, {
				method: 'POST',
				headers: { 'stripe-signature': header, 'content-type': 'application/json' },
				body: payload
			});
			expect(reply.status).toBe(503);
			expect((await reply.json()).error).toContain('STRIPE_WEBHOOK_SECRET');
		} finally {
			await server.kill();
		}
	});
});
