/**
 * Self-test of the Stripe test double, driven through the real `stripe` SDK.
 * Run: npx vitest run tests/support/stripe-double.spec.ts
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { StripeDoubleCardError, startStripeDouble, type StripeDouble } from './stripe-double';
import { decodeForm } from './stripe-double/form';

const SECRET = 'sk_test_selftest_0123456789abcdef';
const PUBLISHABLE = 'pk_test_selftest_0123456789abcdef';
const WEBHOOK_SECRET = 'whsec_selftest_secret';

let double: StripeDouble;

function sdk(config: Stripe.StripeConfig = {}, key = SECRET): Stripe {
	return new Stripe(key, { host: '127.0.0.1', port: double.port, protocol: 'http', maxNetworkRetries: 2, telemetry: false, ...config });
}

async function caught(promise: Promise<unknown>): Promise<any> {
	try {
		await promise;
	} catch (err) {
		return err;
	}
	throw new Error('expected the call to fail');
}

const postRequests = (path: string) => double.requests.filter((r) => r.method === 'POST' && r.path === path);

/** A webhook endpoint that verifies signatures like the app does. */
interface Receiver {
	url: string;
	received: { raw: string; signature: string }[];
	status: number;
	close(): Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
	const receiver: Receiver = { url: '', received: [], status: 200, close: async () => {} };
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			receiver.received.push({ raw: Buffer.concat(chunks).toString('utf8'), signature: String(req.headers['stripe-signature']) });
			res.writeHead(receiver.status).end('{"received":true}');
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/stripe`;
	receiver.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
	return receiver;
}

beforeAll(async () => {
	double = await startStripeDouble({ secretKey: SECRET, publishableKey: PUBLISHABLE });
});
afterAll(async () => {
	await double.close();
});
afterEach(() => {
	double.setWebhook(null);
	double.reset();
});

describe('form decoding', () => {
	it('decodes Stripe nested params into objects and arrays', () => {
		const decoded = decodeForm(
			'amount=100&metadata[server_id]=srv%201&period[start]=1&payment_method_types[0]=card&payment_method_types[1]=link&expand[]=lines&automatic_payment_methods[enabled]=true&__proto__[x]=1'
		);
		expect(decoded).toEqual({
			amount: '100',
			metadata: { server_id: 'srv 1' },
			period: { start: '1' },
			payment_method_types: ['card', 'link'],
			expand: ['lines'],
			automatic_payment_methods: { enabled: 'true' }
		});
	});
});

describe('payment intents through the SDK', () => {
	it('creates and retrieves a PaymentIntent and logs the request', async () => {
		const stripe = sdk();
		const pi = await stripe.paymentIntents.create({
			amount: 1234,
			currency: 'usd',
			automatic_payment_methods: { enabled: true },
			metadata: { server_id: 'srv_1' },
			description: 'Uptime'
		});
		expect(pi.id).toMatch(/^pi_\w+$/);
		expect(pi.client_secret).toMatch(new RegExp(`^${pi.id}_secret_\\w+$`));
		expect(pi).toMatchObject({
			object: 'payment_intent',
			status: 'requires_payment_method',
			amount: 1234,
			amount_received: 0,
			currency: 'usd',
			livemode: false,
			last_payment_error: null,
			metadata: { server_id: 'srv_1' }
		});
		expect(pi.lastResponse.requestId).toMatch(/^req_/);
		const again = await stripe.paymentIntents.retrieve(pi.id);
		expect(again).toEqual(pi);
		const [create] = postRequests('/v1/payment_intents');
		expect(create.stripeVersion).toBe('2026-10-28.endive');
		expect(create.body).toMatchObject({ amount: '1234', metadata: { server_id: 'srv_1' }, automatic_payment_methods: { enabled: 'true' } });
		expect(create.idempotencyKey).toMatch(/^stripe-node-retry-/);
		expect(create.status).toBe(200);
	});

	it('validates params with Stripe invalid_request_error and param', async () => {
		const stripe = sdk();
		const zero = await caught(stripe.paymentIntents.create({ amount: 0, currency: 'usd' }));
		expect(zero).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
		expect(zero.param).toBe('amount');
		const noCurrency = await caught(stripe.paymentIntents.create({ amount: 100 } as any));
		expect(noCurrency.param).toBe('currency');
		const unknown = await caught(stripe.paymentIntents.create({ amount: 100, currency: 'usd', amout: 1 } as any));
		expect(unknown.message).toBe('Received unknown parameter: amout');
		const missing = await caught(stripe.paymentIntents.retrieve('pi_missing'));
		expect(missing).toMatchObject({ statusCode: 404, code: 'resource_missing' });
		expect(double.paymentIntents()).toHaveLength(0);
	});

	it('replays an idempotent request: same id, one PaymentIntent', async () => {
		const stripe = sdk();
		const params = { amount: 500, currency: 'usd' };
		const first = await stripe.paymentIntents.create(params, { idempotencyKey: 'key-replay' });
		const second = await stripe.paymentIntents.create(params, { idempotencyKey: 'key-replay' });
		expect(second.id).toBe(first.id);
		expect(second.lastResponse.headers['idempotent-replayed']).toBe('true');
		expect(double.paymentIntents()).toHaveLength(1);
		expect(postRequests('/v1/payment_intents').map((r) => r.replayed)).toEqual([false, true]);
	});

	it('rejects the same key with different params (StripeIdempotencyError)', async () => {
		const stripe = sdk();
		await stripe.paymentIntents.create({ amount: 500, currency: 'usd' }, { idempotencyKey: 'key-mismatch' });
		const err = await caught(stripe.paymentIntents.create({ amount: 501, currency: 'usd' }, { idempotencyKey: 'key-mismatch' }));
		expect(err).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
		expect(err.message).toMatch(/^Keys for idempotent requests can only be used with the same parameters/);
		expect(double.paymentIntents()).toHaveLength(1);
	});

	it('answers 409 to a concurrent request with an in-flight key; the SDK retries into a replay', async () => {
		double.setLatency(300);
		const stripe = sdk();
		const params = { amount: 700, currency: 'usd' };
		const [a, b] = await Promise.all([
			stripe.paymentIntents.create(params, { idempotencyKey: 'key-concurrent' }),
			stripe.paymentIntents.create(params, { idempotencyKey: 'key-concurrent' })
		]);
		expect(a.id).toBe(b.id);
		expect(double.paymentIntents()).toHaveLength(1);
		expect(postRequests('/v1/payment_intents').some((r) => r.status === 409)).toBe(true);
	});

	it('500 before execution: the SDK retry succeeds and exactly one PaymentIntent exists', async () => {
		const fault = double.fault({ method: 'POST', path: '/v1/payment_intents', kind: 500 });
		const pi = await sdk().paymentIntents.create({ amount: 900, currency: 'usd' });
		expect(fault.hits).toBe(1);
		expect(double.paymentIntents().map((p) => p.id)).toEqual([pi.id]);
		const attempts = postRequests('/v1/payment_intents');
		expect(attempts.map((r) => r.status)).toEqual([500, 200]);
		expect(attempts[1].idempotencyKey).toBe(attempts[0].idempotencyKey);
		expect(attempts[1].replayed).toBe(false);
	});

	it("'after' fault: executed, response lost, the retry replays the stored result", async () => {
		double.fault({ path: '/v1/payment_intents', kind: 'after' });
		const pi = await sdk().paymentIntents.create({ amount: 901, currency: 'usd' });
		expect(double.paymentIntents().map((p) => p.id)).toEqual([pi.id]);
		expect(postRequests('/v1/payment_intents').map((r) => [r.status, r.replayed])).toEqual([
			[500, false],
			[200, true]
		]);
	});

	it("'drop' fault: the connection is reset, the SDK retries, one PaymentIntent", async () => {
		const fault = double.fault({ path: /^\/v1\/payment_intents$/, kind: 'drop' });
		const pi = await sdk().paymentIntents.create({ amount: 902, currency: 'usd' });
		expect(fault.hits).toBe(1);
		expect(double.paymentIntents().map((p) => p.id)).toEqual([pi.id]);
	});

	it("'timeout' fault: no duplicate PaymentIntent whatever the SDK ends with", async () => {
		double.fault({ path: '/v1/payment_intents', kind: 'timeout' });
		const stripe = sdk({ timeout: 500, maxNetworkRetries: 1 });
		let outcome: 'ok' | 'error';
		try {
			await stripe.paymentIntents.create({ amount: 903, currency: 'usd' });
			outcome = 'ok';
		} catch (err) {
			expect(err).toBeInstanceOf(Stripe.errors.StripeConnectionError);
			outcome = 'error';
		}
		expect(double.paymentIntents().length).toBeLessThanOrEqual(1);
		if (outcome === 'ok') expect(double.paymentIntents()).toHaveLength(1);
	});

	it('nth/times select which matching requests fail', async () => {
		const fault = double.fault({ method: 'GET', path: '/v1/customers/', nth: 2, times: 2, kind: 500 });
		const stripe = sdk({ maxNetworkRetries: 0 });
		const customer = await stripe.customers.create({ email: 'a@example.com' });
		await stripe.customers.retrieve(customer.id);
		await expect(stripe.customers.retrieve(customer.id)).rejects.toBeInstanceOf(Stripe.errors.StripeAPIError);
		await expect(stripe.customers.retrieve(customer.id)).rejects.toBeInstanceOf(Stripe.errors.StripeAPIError);
		await stripe.customers.retrieve(customer.id);
		expect(fault.hits).toBe(2);
	});

	it('429 fault → StripeRateLimitError, not retried', async () => {
		double.fault({ path: '/v1/payment_intents', kind: 429 });
		const err = await caught(sdk().paymentIntents.create({ amount: 904, currency: 'usd' }));
		expect(err).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
		expect(postRequests('/v1/payment_intents')).toHaveLength(1);
		expect(double.paymentIntents()).toHaveLength(0);
	});

	it('wrong API key → StripeAuthenticationError without echoing the key', async () => {
		const wrongKey = 'sk_test_wrongkey_abcdefghijklmnop';
		const err = await caught(sdk({}, wrongKey).paymentIntents.create({ amount: 100, currency: 'usd' }));
		expect(err).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
		expect(err.message).toBe('Invalid API Key provided: sk_test_****mnop');
		expect(err.message).not.toContain(wrongKey);
		const pk = await caught(sdk({}, PUBLISHABLE).paymentIntents.create({ amount: 100, currency: 'usd' }));
		expect(pk).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
	});

	it('confirms with test payment methods: declines are StripeCardError, success is succeeded', async () => {
		const stripe = sdk();
		const pi = await stripe.paymentIntents.create({ amount: 2500, currency: 'usd', allowed_payment_method_types: ['card'] });
		const cases = [
			['pm_card_chargeDeclined', 'card_declined', 'generic_decline', 'Your card was declined.'],
			['pm_card_chargeDeclinedInsufficientFunds', 'card_declined', 'insufficient_funds', 'Your card has insufficient funds.'],
			['pm_card_chargeDeclinedExpiredCard', 'expired_card', 'expired_card', 'Your card has expired.']
		];
		for (const [pm, code, declineCode, message] of cases) {
			const err = await caught(stripe.paymentIntents.confirm(pi.id, { payment_method: pm }));
			expect(err).toBeInstanceOf(Stripe.errors.StripeCardError);
			expect(err).toMatchObject({ statusCode: 402, code, decline_code: declineCode, message });
			expect(err.payment_intent).toMatchObject({
				id: pi.id,
				status: 'requires_payment_method',
				last_payment_error: { code, decline_code: declineCode }
			});
		}
		const paid = await stripe.paymentIntents.confirm(pi.id, { payment_method: 'pm_card_visa' });
		expect(paid).toMatchObject({ status: 'succeeded', amount_received: 2500, last_payment_error: null });
		expect(paid.latest_charge).toMatch(/^ch_/);
		const again = await caught(stripe.paymentIntents.confirm(pi.id, { payment_method: 'pm_card_visa' }));
		expect(again).toMatchObject({ statusCode: 400, code: 'payment_intent_unexpected_state' });
		const cancel = await caught(stripe.paymentIntents.cancel(pi.id));
		expect(cancel.code).toBe('payment_intent_unexpected_state');
		const update = await caught(stripe.paymentIntents.update(pi.id, { amount: 1 }));
		expect(update.code).toBe('payment_intent_unexpected_state');
		expect((await stripe.paymentIntents.update(pi.id, { metadata: { note: 'x' } })).metadata).toEqual({ note: 'x' });
	});

	it('cancels and lists PaymentIntents', async () => {
		const stripe = sdk();
		const customer = await stripe.customers.create({ email: 'list@example.com' });
		const a = await stripe.paymentIntents.create({ amount: 100, currency: 'usd', customer: customer.id });
		await stripe.paymentIntents.create({ amount: 100, currency: 'usd' });
		const canceled = await stripe.paymentIntents.cancel(a.id, { cancellation_reason: 'abandoned' });
		expect(canceled).toMatchObject({ status: 'canceled', cancellation_reason: 'abandoned' });
		const list = await stripe.paymentIntents.list({ customer: customer.id, limit: 10 });
		expect(list.data.map((p) => p.id)).toEqual([a.id]);
		expect((await stripe.paymentIntents.list({ limit: 1 })).has_more).toBe(true);
	});

	it('serves client-side confirm/retrieve with a publishable key and the client_secret (Stripe.js style)', async () => {
		const pi = await sdk().paymentIntents.create({ amount: 1500, currency: 'eur' });
		const call = (path: string, body: Record<string, string>, method = 'POST') =>
			fetch(`${double.url}${path}${method === 'GET' ? `?${new URLSearchParams(body)}` : ''}`, {
				method,
				headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
				body: method === 'POST' ? new URLSearchParams(body) : undefined
			});
		const wrong = await call(`/v1/payment_intents/${pi.id}`, { key: PUBLISHABLE, client_secret: 'pi_x_secret_y' }, 'GET');
		expect(wrong.status).toBe(400);
		const declined = await call(`/v1/payment_intents/${pi.id}/confirm`, {
			key: PUBLISHABLE,
			client_secret: pi.client_secret!,
			'payment_method_data[type]': 'card',
			'payment_method_data[card][number]': '4000000000009995'
		});
		expect(declined.status).toBe(402);
		expect((await declined.json()).error).toMatchObject({
			type: 'card_error',
			decline_code: 'insufficient_funds',
			payment_intent: { id: pi.id }
		});
		const ok = await call(`/v1/payment_intents/${pi.id}/confirm`, {
			key: PUBLISHABLE,
			client_secret: pi.client_secret!,
			'payment_method_data[type]': 'card',
			'payment_method_data[card][number]': '4242 4242 4242 4242'
		});
		expect(ok.headers.get('access-control-allow-origin')).toBe('*');
		expect(await ok.json()).toMatchObject({ id: pi.id, status: 'succeeded' });
		const retrieved = await call(`/v1/payment_intents/${pi.id}`, { key: PUBLISHABLE, client_secret: pi.client_secret! }, 'GET');
		expect((await retrieved.json()).status).toBe('succeeded');
		const preflight = await fetch(`${double.url}/v1/payment_intents/${pi.id}/confirm`, { method: 'OPTIONS' });
		expect(preflight.status).toBe(204);
		expect(preflight.headers.get('request-id')).toMatch(/^req_/);
	});

	it('answers unknown URLs with 404 Unrecognized request URL', async () => {
		const err = await caught(sdk().rawRequest('POST', '/v1/foo', {}));
		expect(err.statusCode).toBe(404);
		expect(err.message).toMatch(/^Unrecognized request URL \(POST: \/v1\/foo\)/);
	});
});

describe('invoices through the SDK', () => {
	it('draft → two period line items → finalize → open with totals and hosted url', async () => {
		const stripe = sdk();
		const customer = await stripe.customers.create({ email: 'billing@example.com', name: 'Acme', metadata: { tenant: 't1' } });
		const pending = await stripe.invoiceItems.create({ customer: customer.id, amount: 999, currency: 'usd', description: 'stray' });
		const draft = await stripe.invoices.create({
			customer: customer.id,
			collection_method: 'send_invoice',
			days_until_due: 14,
			auto_advance: false
		});
		expect(draft).toMatchObject({ status: 'draft', hosted_invoice_url: null, total: 0, lines: { data: [] } });
		const period = (start: number) => ({ start, end: start + 3600 });
		await stripe.invoiceItems.create({
			customer: customer.id,
			invoice: draft.id,
			amount: 1200,
			currency: 'usd',
			description: 'srv-a',
			period: period(1_700_000_000),
			metadata: { server_id: 'a' }
		});
		await stripe.invoiceItems.create({
			customer: customer.id,
			invoice: draft.id,
			amount: 300,
			currency: 'usd',
			description: 'srv-b',
			period: period(1_700_003_600)
		});
		const items = await stripe.invoiceItems.list({ invoice: draft.id });
		expect(items.data).toHaveLength(2);
		const open = await stripe.invoices.finalizeInvoice(draft.id);
		expect(open).toMatchObject({ status: 'open', total: 1500, subtotal: 1500, amount_due: 1500, amount_paid: 0, amount_remaining: 1500 });
		expect(open.hosted_invoice_url).toMatch(/^https:\/\/invoice\.stripe\.com\/i\/acct_test\//);
		expect(open.number).toMatch(/-0001$/);
		expect(open.status_transitions.finalized_at).toEqual(expect.any(Number));
		const fetched = await stripe.invoices.retrieve(open.id, { expand: ['lines'] });
		expect(fetched.lines.data.map((l) => [l.object, l.amount, l.period])).toEqual([
			['line_item', 1200, period(1_700_000_000)],
			['line_item', 300, period(1_700_003_600)]
		]);
		expect(fetched.lines.data[0].metadata).toEqual({ server_id: 'a' });
		const late = await caught(stripe.invoiceItems.create({ customer: customer.id, invoice: open.id, amount: 1, currency: 'usd' }));
		expect(late.statusCode).toBe(400);

		const later = await stripe.invoices.create({ customer: customer.id });
		expect(later.lines.data).toHaveLength(0);
		expect(double.get(pending.id).invoice).toBeNull();
		const including = await stripe.invoices.create({ customer: customer.id, pending_invoice_items_behavior: 'include' });
		expect(including.total).toBe(999);
	});

	it('requires days_until_due for send_invoice', async () => {
		const stripe = sdk();
		const customer = await stripe.customers.create({});
		const err = await caught(stripe.invoices.create({ customer: customer.id, collection_method: 'send_invoice' }));
		expect(err).toMatchObject({ statusCode: 400, param: 'days_until_due' });
	});

	it('pays with the default payment method, voids, and marks uncollectible', async () => {
		const stripe = sdk();
		const customer = await stripe.customers.create({ email: 'pay@example.com' });
		const invoiceFor = async (amount: number) => {
			const inv = await stripe.invoices.create({ customer: customer.id });
			await stripe.invoiceItems.create({ customer: customer.id, invoice: inv.id, amount, currency: 'usd' });
			return stripe.invoices.finalizeInvoice(inv.id);
		};
		const first = await invoiceFor(500);
		const noCard = await caught(stripe.invoices.pay(first.id));
		expect(noCard).toBeInstanceOf(Stripe.errors.StripeCardError);
		await stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: 'pm_card_visa' } });
		expect(await stripe.invoices.pay(first.id)).toMatchObject({ status: 'paid', amount_paid: 500, amount_remaining: 0 });
		const declined = await caught(stripe.invoices.pay((await invoiceFor(100)).id, { payment_method: 'pm_card_chargeDeclined' }));
		expect(declined.decline_code).toBe('generic_decline');
		expect((await stripe.invoices.voidInvoice((await invoiceFor(200)).id)).status).toBe('void');
		expect((await stripe.invoices.markUncollectible((await invoiceFor(300)).id)).status).toBe('uncollectible');
		const zero = await stripe.invoices.finalizeInvoice((await stripe.invoices.create({ customer: customer.id })).id);
		expect(zero.status).toBe('paid');
		const open = await stripe.invoices.list({ customer: customer.id, status: 'open' });
		expect(open.data).toHaveLength(1);
	});
});

describe('webhooks', () => {
	let receiver: Receiver;
	beforeAll(async () => {
		receiver = await startReceiver();
	});
	afterAll(async () => {
		await receiver.close();
	});

	const verified = () => receiver.received.map((r) => Stripe.webhooks.constructEvent(r.raw, r.signature, WEBHOOK_SECRET));

	it('emits signed events for state changes after the API response', async () => {
		receiver.received.length = 0;
		double.setWebhook({ url: receiver.url, secret: WEBHOOK_SECRET });
		const stripe = sdk();
		const pi = await stripe.paymentIntents.create({ amount: 4200, currency: 'usd' });
		await caught(stripe.paymentIntents.confirm(pi.id, { payment_method: 'pm_card_chargeDeclined' }));
		await stripe.paymentIntents.confirm(pi.id, { payment_method: 'pm_card_visa' });
		await double.flushWebhooks();
		const events = verified();
		expect(events.map((e) => e.type)).toEqual(['payment_intent.created', 'payment_intent.payment_failed', 'payment_intent.succeeded']);
		expect(events[2]).toMatchObject({
			object: 'event',
			api_version: '2026-10-28.endive',
			livemode: false,
			data: { object: { id: pi.id, status: 'succeeded' } }
		});
		expect(events[0].request?.id).toBe(postRequests('/v1/payment_intents')[0].requestId);
		expect(double.events.map((e) => e.delivery.status)).toEqual([200, 200, 200]);
	});

	it('test controls emit events too', async () => {
		receiver.received.length = 0;
		const stripe = sdk();
		const customer = await stripe.customers.create({});
		const inv = await stripe.invoices.create({ customer: customer.id });
		await stripe.invoiceItems.create({ customer: customer.id, invoice: inv.id, amount: 100, currency: 'usd' });
		await stripe.invoices.finalizeInvoice(inv.id);
		double.setWebhook({ url: receiver.url, secret: WEBHOOK_SECRET });
		expect((await double.payInvoice(inv.id, { fail: true })).status).toBe('open');
		expect((await double.payInvoice(inv.id)).status).toBe('paid');
		const pi = await stripe.paymentIntents.create({ amount: 100, currency: 'usd' });
		const err = await caught(double.confirmPaymentIntent(pi.id, '4000000000000002'));
		expect(err).toBeInstanceOf(StripeDoubleCardError);
		expect(err.decline_code).toBe('generic_decline');
		await double.flushWebhooks();
		expect(verified().map((e) => e.type)).toEqual([
			'invoice.payment_failed',
			'invoice.paid',
			'invoice.payment_succeeded',
			'payment_intent.created',
			'payment_intent.payment_failed'
		]);
	});

	it('sendEvent resends the same event id and signs stale or wrong-secret headers on request', async () => {
		receiver.received.length = 0;
		double.setWebhook({ url: receiver.url, secret: WEBHOOK_SECRET }, false);
		const first = await double.sendEvent('invoice.paid', { id: 'in_test', object: 'invoice', status: 'paid' });
		expect(first.status).toBe(200);
		const resent = await double.sendEvent('ignored', null, { event: first.event });
		expect(resent.event.id).toBe(first.event.id);
		expect(verified().map((e) => e.id)).toEqual([first.event.id, first.event.id]);
		const stale = await double.sendEvent('invoice.paid', {}, { timestamp: Math.floor(Date.now() / 1000) - 3600 });
		expect(() => Stripe.webhooks.constructEvent(stale.payload, stale.header, WEBHOOK_SECRET)).toThrow(/tolerance/);
		const forged = await double.sendEvent('invoice.paid', {}, { secret: 'whsec_wrong' });
		expect(() => Stripe.webhooks.constructEvent(forged.payload, forged.header, WEBHOOK_SECRET)).toThrow(
			Stripe.errors.StripeSignatureVerificationError
		);
		expect(double.events).toHaveLength(4);
	});

	it('records failed deliveries without throwing', async () => {
		double.setWebhook({ url: 'http://127.0.0.1:9/webhooks/stripe', secret: WEBHOOK_SECRET });
		await sdk().paymentIntents.create({ amount: 100, currency: 'usd' });
		receiver.status = 500;
		await double.flushWebhooks();
		expect(double.events.map((e) => e.delivery.status)).toEqual([0]);
		double.setWebhook({ url: receiver.url, secret: WEBHOOK_SECRET });
		const result = await double.sendEvent('payment_intent.succeeded', {});
		expect(result.status).toBe(500);
		receiver.status = 200;
	});
});

describe('test controls', () => {
	it('reset clears objects and logs; snapshots are copies', async () => {
		const stripe = sdk();
		const customer = await stripe.customers.create({ email: 'x@example.com' });
		double.setDefaultPaymentMethod(customer.id, 'pm_card_visa');
		const snapshot = double.customers();
		expect(snapshot[0].invoice_settings.default_payment_method).toBe('pm_card_visa');
		snapshot[0].email = 'mutated';
		expect(double.get(customer.id).email).toBe('x@example.com');
		double.reset();
		expect(double.customers()).toEqual([]);
		expect(double.requests).toEqual([]);
		expect(double.get(customer.id)).toBeUndefined();
	});
});
