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
import { invoiceTotals, lineTaxes } from './stripe-double/invoice-totals';
import { stripeJsStandIn } from './stripe-js-standin';
import { until } from './until';

const SECRET = 'sk_test_selftest_0123456789abcdef';
const PUBLISHABLE = 'pk_test_selftest_0123456789abcdef';
const WEBHOOK_SECRET = 'whsec_selftest_secret';

let double: StripeDouble;

function sdk(config: Stripe.StripeConfig = {}, key = SECRET): Stripe {
	return new Stripe(key, { host: '127.0.0.1', port: double.port, protocol: 'http', maxNetworkRetries: 2, telemetry: false, ...config });
}

/** The error a call fails with: the SDK's StripeError (or the double's own, which has the same fields). */
async function caught(promise: Promise<unknown>): Promise<Stripe.errors.StripeError> {
	try {
		await promise;
	} catch (err) {
		return err as Stripe.errors.StripeError;
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
		const noCurrency = await caught(stripe.paymentIntents.create({ amount: 100 } as never));
		expect(noCurrency.param).toBe('currency');
		const unknown = await caught(stripe.paymentIntents.create({ amount: 100, currency: 'usd', amout: 1 } as never));
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
	it('add_lines adds several lines in one request, in the invoice currency; refuses unknown params, finalized invoices and more than 250 lines', async () => {
		const stripe = sdk();
		const customer = await stripe.customers.create({ email: 'lines@example.com' });
		const draft = await stripe.invoices.create({ customer: customer.id, currency: 'jpy', auto_advance: false });
		const rate = await stripe.taxRates.create({ display_name: 'Tax', percentage: 10, inclusive: false });
		const updated = await stripe.invoices.addLines(draft.id!, {
			lines: [
				{ amount: 1005, description: 'a', tax_rates: [rate.id], metadata: { server_id: 'a' } },
				{ amount: 1004, description: 'b', tax_rates: [rate.id], period: { start: 1_700_000_000, end: 1_700_003_600 } }
			]
		});
		// Stripe rounds tax per line: 100.5 → 101 and 100.4 → 100
		expect(updated).toMatchObject({ total_excluding_tax: 2009, total: 2210 });
		expect(updated.lines.data.map((l) => [l.amount, l.currency, l.metadata?.server_id ?? null])).toEqual([
			[1005, 'jpy', 'a'],
			[1004, 'jpy', null]
		]);
		await expect(stripe.invoices.addLines(draft.id!, { lines: [{ amount: 1, currency: 'usd' } as never] })).rejects.toMatchObject({
			type: 'StripeInvalidRequestError',
			param: 'lines[0][currency]'
		});
		await expect(stripe.invoices.addLines(draft.id!, { lines: Array.from({ length: 249 }, () => ({ amount: 1 })) })).rejects.toMatchObject({
			param: 'lines'
		});
		expect((await stripe.invoices.retrieve(draft.id!)).lines.data).toHaveLength(2);
		await stripe.invoices.finalizeInvoice(draft.id!);
		await expect(stripe.invoices.addLines(draft.id!, { lines: [{ amount: 1 }] })).rejects.toMatchObject({
			type: 'StripeInvalidRequestError'
		});
	});

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

describe('amounts like Stripe', () => {
	it('refuses amounts below the currency minimum with amount_too_small (create and update)', async () => {
		const stripe = sdk();
		for (const [currency, below, ok] of [
			['usd', 49, 50],
			['jpy', 49, 50],
			['huf', 17499, 17500],
			['krw', 1099, 1100],
			['kwd', 240, 250]
		] as const) {
			const err = await caught(stripe.paymentIntents.create({ amount: below, currency }));
			expect(err, currency).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
			expect(err, currency).toMatchObject({
				statusCode: 400,
				type: 'StripeInvalidRequestError',
				code: 'amount_too_small',
				param: 'amount'
			});
			expect((await stripe.paymentIntents.create({ amount: ok, currency })).amount).toBe(ok);
		}
		const usd = await caught(stripe.paymentIntents.create({ amount: 10, currency: 'usd' }));
		expect(usd.message).toBe('Amount must be at least $0.50 usd');
		const jpy = await caught(stripe.paymentIntents.create({ amount: 10, currency: 'jpy' }));
		expect(jpy.message).toBe('Amount must be at least ¥50 jpy');
		const krw = await caught(stripe.paymentIntents.create({ amount: 500, currency: 'krw' }));
		expect(krw.message).toMatch(/^Amount must convert to at least 50 cents\./);
		const pi = await stripe.paymentIntents.create({ amount: 100, currency: 'usd' });
		const update = await caught(stripe.paymentIntents.update(pi.id, { amount: 49 }));
		expect(update).toMatchObject({ code: 'amount_too_small', param: 'amount' });
		const toJpy = await caught(stripe.paymentIntents.update(pi.id, { currency: 'jpy', amount: 30 }));
		expect(toJpy.code).toBe('amount_too_small');
		expect(double.get(pi.id)).toMatchObject({ amount: 100, currency: 'usd' });
	});

	it('three-decimal currencies want the last digit 0; ISK whole krónur; zero-decimal amounts as given; unknown currencies refused', async () => {
		const stripe = sdk();
		for (const currency of ['bhd', 'jod', 'kwd', 'omr', 'tnd']) {
			const err = await caught(stripe.paymentIntents.create({ amount: 12345, currency }));
			expect(err, currency).toMatchObject({ statusCode: 400, type: 'StripeInvalidRequestError', param: 'amount' });
			expect(err.message).toMatch(/last of its three decimal digits must be 0/);
			expect((await stripe.paymentIntents.create({ amount: 12340, currency })).amount).toBe(12340);
		}
		expect((await caught(stripe.paymentIntents.create({ amount: 10050, currency: 'isk' }))).param).toBe('amount');
		expect((await stripe.paymentIntents.create({ amount: 10000, currency: 'isk' })).amount).toBe(10000);
		expect((await stripe.paymentIntents.create({ amount: 51, currency: 'jpy' })).amount).toBe(51);
		const unknown = await caught(stripe.paymentIntents.create({ amount: 5000, currency: 'xyz' }));
		expect(unknown).toMatchObject({ statusCode: 400, param: 'currency' });
		expect(unknown.message).toMatch(/^Invalid currency: xyz\./);
	});

	it('finalizes an invoice below the minimum as Stripe does: paid without a payment, the amount moved to the customer balance', async () => {
		const stripe = sdk();
		const customer = await stripe.customers.create({ email: 'small@example.com' });
		const small = await stripe.invoices.create({ customer: customer.id, currency: 'usd' });
		await stripe.invoiceItems.create({ customer: customer.id, invoice: small.id, amount: 30, currency: 'usd' });
		const finalized = await stripe.invoices.finalizeInvoice(small.id);
		expect(finalized).toMatchObject({ status: 'paid', total: 30, amount_due: 30, amount_paid: 0, amount_remaining: 0, ending_balance: 30 });
		expect((await stripe.customers.retrieve(customer.id)) as Stripe.Customer).toMatchObject({ balance: 30 });
		// the debit lands on the next invoice
		const next = await stripe.invoices.create({ customer: customer.id, currency: 'usd' });
		await stripe.invoiceItems.create({ customer: customer.id, invoice: next.id, amount: 100, currency: 'usd' });
		const open = await stripe.invoices.finalizeInvoice(next.id);
		expect(open).toMatchObject({ status: 'open', total: 100, starting_balance: 30, amount_due: 130 });
		expect(((await stripe.customers.retrieve(customer.id)) as Stripe.Customer).balance).toBe(0);
		// a credit balance lowers the next amount due
		await stripe.customers.update(customer.id, { balance: -40 });
		const credited = await stripe.invoices.create({ customer: customer.id, currency: 'usd' });
		await stripe.invoiceItems.create({ customer: customer.id, invoice: credited.id, amount: 100, currency: 'usd' });
		expect(await stripe.invoices.finalizeInvoice(credited.id)).toMatchObject({
			total: 100,
			starting_balance: -40,
			amount_due: 60,
			ending_balance: 0
		});
		const kwd = await stripe.invoices.create({ customer: customer.id, currency: 'kwd' });
		await stripe.invoiceItems.create({ customer: customer.id, invoice: kwd.id, amount: 1005, currency: 'kwd' });
		const odd = await caught(stripe.invoices.finalizeInvoice(kwd.id));
		expect(odd).toMatchObject({ statusCode: 400, param: 'amount_due' });
		expect(double.get(kwd.id).status).toBe('draft');
	});
});

describe('invoice limits like Stripe', () => {
	it('holds at most 250 line items: the 251st invoice item is refused and the invoice is unchanged', async () => {
		const stripe = sdk({ maxNetworkRetries: 0 });
		const customer = await stripe.customers.create({});
		const inv = await stripe.invoices.create({ customer: customer.id, currency: 'usd' });
		for (let i = 0; i < 250; i++) {
			await stripe.invoiceItems.create({ customer: customer.id, invoice: inv.id, amount: 100, currency: 'usd', description: `line ${i}` });
		}
		const err = await caught(stripe.invoiceItems.create({ customer: customer.id, invoice: inv.id, amount: 100, currency: 'usd' }));
		expect(err).toMatchObject({ statusCode: 400, type: 'StripeInvalidRequestError', param: 'invoice' });
		expect(err.message).toMatch(/at most 250 line items/);
		expect(double.get(inv.id)).toMatchObject({ total: 25_000, lines: { total_count: 250 } });
		expect(double.invoiceItems()).toHaveLength(250);
		// like Stripe, the invoice embeds only its first 10 lines; the rest are paged from /lines
		const retrieved = await stripe.invoices.retrieve(inv.id);
		expect(retrieved.lines).toMatchObject({ has_more: true, total_count: 250 });
		expect(retrieved.lines.data).toHaveLength(10);
		const all: Stripe.InvoiceLineItem[] = [];
		for await (const line of stripe.invoices.listLineItems(inv.id, { limit: 100 })) all.push(line);
		expect(all).toHaveLength(250);
	});
});

describe('idempotency like Stripe', () => {
	it("'saved-500' fault: the object is created, the 500 is saved and replayed with Stripe-Should-Retry: false; search finds the object", async () => {
		double.fault({ method: 'POST', path: '/v1/payment_intents', kind: 'saved-500' });
		const stripe = sdk({ maxNetworkRetries: 2 });
		const params = { amount: 2000, currency: 'usd', metadata: { charge_id: 'inst-a:7' } };
		const err = await caught(stripe.paymentIntents.create(params, { idempotencyKey: 'charge-7-create' }));
		expect(err).toBeInstanceOf(Stripe.errors.StripeAPIError);
		expect(err.statusCode).toBe(500);
		// the SDK retried once and stopped on Stripe-Should-Retry: false
		const attempts = postRequests('/v1/payment_intents');
		expect(attempts.map((r) => [r.status, r.replayed])).toEqual([
			[500, false],
			[500, true]
		]);
		expect(double.paymentIntents()).toHaveLength(1);
		const raw = await fetch(`${double.url}/v1/payment_intents`, {
			method: 'POST',
			headers: {
				Authorization: `Bearer ${SECRET}`,
				'Idempotency-Key': 'charge-7-create',
				'Content-Type': 'application/x-www-form-urlencoded'
			},
			body: 'amount=2000&currency=usd&metadata[charge_id]=inst-a:7'
		});
		expect(raw.status).toBe(500);
		expect(raw.headers.get('stripe-should-retry')).toBe('false');
		expect(raw.headers.get('idempotent-replayed')).toBe('true');
		expect((await raw.json()).error.type).toBe('api_error');
		const found = await stripe.paymentIntents.search({ query: "metadata['charge_id']:'inst-a:7'" });
		expect(found.data.map((p) => p.id)).toEqual([double.paymentIntents()[0].id]);
	});

	it('a saved 500 is replayed for 24 h, then the key is forgotten and the request executes', async () => {
		const stripe = sdk({ maxNetworkRetries: 0 });
		double.fault({ path: '/v1/customers', kind: 'saved-500' });
		expect((await caught(stripe.customers.create({ email: 'a@example.com' }, { idempotencyKey: 'cus-1' }))).statusCode).toBe(500);
		expect((await caught(stripe.customers.create({ email: 'a@example.com' }, { idempotencyKey: 'cus-1' }))).statusCode).toBe(500);
		double.advanceTime(23 * 3600);
		expect((await caught(stripe.customers.create({ email: 'a@example.com' }, { idempotencyKey: 'cus-1' }))).statusCode).toBe(500);
		double.advanceTime(3600);
		const fresh = await stripe.customers.create({ email: 'a@example.com' }, { idempotencyKey: 'cus-1' });
		expect(fresh.lastResponse.headers['idempotent-replayed']).toBeUndefined();
		expect(double.customers()).toHaveLength(2);
	});

	it('keys belong to the account: a second installation with the same secret key shares them', async () => {
		const installationA = sdk();
		const installationB = sdk();
		const first = await installationA.paymentIntents.create(
			{ amount: 1000, currency: 'jpy', metadata: { installation: 'a' } },
			{ idempotencyKey: 'charge-1-payment-intent' }
		);
		const same = await installationB.paymentIntents.create(
			{ amount: 1000, currency: 'jpy', metadata: { installation: 'a' } },
			{ idempotencyKey: 'charge-1-payment-intent' }
		);
		expect(same.id).toBe(first.id);
		const clash = await caught(
			installationB.paymentIntents.create(
				{ amount: 1000, currency: 'jpy', metadata: { installation: 'b' } },
				{ idempotencyKey: 'charge-1-payment-intent' }
			)
		);
		expect(clash).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
		expect(clash.statusCode).toBe(400);
		expect(double.paymentIntents()).toHaveLength(1);
	});
});

describe('search and lists by metadata and customer', () => {
	it('searches PaymentIntents by metadata, customer and status (AND, OR, negation, paging)', async () => {
		const stripe = sdk();
		const alice = await stripe.customers.create({ email: 'alice@example.com' });
		const make = (charge: string, customer?: string) =>
			stripe.paymentIntents.create({ amount: 1000, currency: 'usd', customer, metadata: { installation: 'i1', charge_id: charge } });
		const a = await make('1', alice.id);
		const b = await make('2', alice.id);
		const c = await make('3');
		await stripe.paymentIntents.cancel(b.id);
		const ids = async (query: string, extra: Record<string, unknown> = {}) =>
			(await stripe.paymentIntents.search({ query, ...extra })).data.map((p) => p.id);
		expect(await ids("metadata['charge_id']:'2'")).toEqual([b.id]);
		expect(await ids(`metadata['installation']:'i1' AND customer:'${alice.id}'`)).toEqual([b.id, a.id]);
		expect(await ids(`customer:'${alice.id}' AND status:'canceled'`)).toEqual([b.id]);
		expect(await ids(`metadata["charge_id"]:"1" OR metadata["charge_id"]:"3"`)).toEqual([c.id, a.id]);
		expect(await ids(`metadata['installation']:'i1' AND -status:'canceled' AND amount>=1000`)).toEqual([c.id, a.id]);
		const page1 = await stripe.paymentIntents.search({ query: "metadata['installation']:'i1'", limit: 2 });
		expect(page1).toMatchObject({ object: 'search_result', has_more: true });
		const page2 = await stripe.paymentIntents.search({ query: "metadata['installation']:'i1'", limit: 2, page: page1.next_page! });
		expect([...page1.data, ...page2.data].map((p) => p.id)).toEqual([c.id, b.id, a.id]);
		expect(page2.has_more).toBe(false);
		const listed = await stripe.paymentIntents.list({ customer: alice.id, limit: 1 });
		expect(listed.data.map((p) => p.id)).toEqual([b.id]);
		const rest = await stripe.paymentIntents.list({ customer: alice.id, limit: 1, starting_after: b.id });
		expect(rest.data.map((p) => p.id)).toEqual([a.id]);
	});

	it('searches invoices by metadata, customer and status; lists invoices by customer', async () => {
		const stripe = sdk();
		const bob = await stripe.customers.create({ email: 'bob@example.com' });
		const other = await stripe.customers.create({ email: 'other@example.com' });
		const inv1 = await stripe.invoices.create({ customer: bob.id, metadata: { charge_id: 'i1:10' } });
		const inv2 = await stripe.invoices.create({ customer: bob.id, metadata: { charge_id: 'i1:11' } });
		await stripe.invoices.create({ customer: other.id, metadata: { charge_id: 'i2:10' } });
		await stripe.invoiceItems.create({ customer: bob.id, invoice: inv2.id, amount: 500, currency: 'usd' });
		await stripe.invoices.finalizeInvoice(inv2.id);
		const found = await stripe.invoices.search({ query: `metadata['charge_id']:'i1:10' AND customer:'${bob.id}'` });
		expect(found.data.map((i) => i.id)).toEqual([inv1.id]);
		expect((await stripe.invoices.search({ query: "status:'open'" })).data.map((i) => i.id)).toEqual([inv2.id]);
		const listed = await stripe.invoices.list({ customer: bob.id, limit: 1 });
		expect(listed).toMatchObject({ has_more: true, data: [{ id: inv2.id }] });
		expect((await stripe.invoices.list({ customer: bob.id, starting_after: inv2.id })).data.map((i) => i.id)).toEqual([inv1.id]);
	});

	it('rejects malformed search queries with 400 param query; hides objects younger than the search lag', async () => {
		const stripe = sdk();
		for (const query of ["metadata['a']:'1' AND status:'x' OR status:'y'", 'nonsense', "colour:'red'", "metadata:'x'"]) {
			expect(await caught(stripe.paymentIntents.search({ query })), query).toMatchObject({ statusCode: 400, param: 'query' });
		}
		double.setSearchLag(60_000);
		await stripe.paymentIntents.create({ amount: 1000, currency: 'usd', metadata: { k: 'v' } });
		expect((await stripe.paymentIntents.search({ query: "metadata['k']:'v'" })).data).toHaveLength(0);
		expect((await stripe.paymentIntents.list()).data).toHaveLength(1);
	});
});

describe('several webhook endpoints', () => {
	it('every endpoint receives every event of the account, signed with its own secret', async () => {
		const [appA, appB] = [await startReceiver(), await startReceiver()];
		try {
			double.setWebhook({ url: appA.url, secret: 'whsec_app_a' });
			const b = double.addWebhook({ url: appB.url, secret: 'whsec_app_b' });
			expect(double.webhookEndpoints().map((e) => e.url)).toEqual([appA.url, appB.url]);
			const pi = await sdk().paymentIntents.create({ amount: 1000, currency: 'usd' });
			await double.confirmPaymentIntent(pi.id, 'pm_card_visa');
			await double.flushWebhooks();
			const typesA = appA.received.map((r) => Stripe.webhooks.constructEvent(r.raw, r.signature, 'whsec_app_a'));
			const typesB = appB.received.map((r) => Stripe.webhooks.constructEvent(r.raw, r.signature, 'whsec_app_b'));
			expect(typesA.map((e) => e.type)).toEqual(['payment_intent.created', 'payment_intent.succeeded']);
			expect(typesB.map((e) => [e.id, e.type])).toEqual(typesA.map((e) => [e.id, e.type]));
			expect(typesA[0].pending_webhooks).toBe(2);
			expect(() => Stripe.webhooks.constructEvent(appB.received[0].raw, appB.received[0].signature, 'whsec_app_a')).toThrow();
			expect(double.events.map((e) => e.delivery.url)).toEqual([appA.url, appB.url, appA.url, appB.url]);
			b.remove();
			double.setWebhook(null);
			double.addWebhook({ url: appB.url, secret: 'whsec_app_b' });
			await sdk().paymentIntents.create({ amount: 1000, currency: 'usd' });
			await double.flushWebhooks();
			expect(appA.received).toHaveLength(2);
			expect(appB.received).toHaveLength(3);
			double.removeWebhook(appB.url);
			expect(double.webhookEndpoints()).toEqual([]);
		} finally {
			await Promise.all([appA.close(), appB.close()]);
		}
	});
});

describe('customers, saved cards, receipts and the customer portal', () => {
	it('stores email, name, preferred_locales and the default payment method, readable back with GET', async () => {
		const stripe = sdk();
		const created = await stripe.customers.create({ email: 'yuki@example.jp', name: 'Yuki', preferred_locales: ['ja', 'en'] });
		expect(created).toMatchObject({ email: 'yuki@example.jp', name: 'Yuki', preferred_locales: ['ja', 'en'] });
		await stripe.customers.update(created.id, { preferred_locales: ['en'], name: 'Yuki T.' });
		const read = (await stripe.customers.retrieve(created.id)) as Stripe.Customer;
		expect(read).toMatchObject({ name: 'Yuki T.', preferred_locales: ['en'], invoice_settings: { default_payment_method: null } });
	});

	it('PaymentIntents keep customer, receipt_email, setup_future_usage and payment method settings; a saved card becomes the default', async () => {
		const stripe = sdk();
		const customer = await stripe.customers.create({ email: 'pay@example.com' });
		const pi = await stripe.paymentIntents.create({
			amount: 5000,
			currency: 'jpy',
			customer: customer.id,
			receipt_email: 'pay@example.com',
			setup_future_usage: 'off_session',
			automatic_payment_methods: { enabled: true, allow_redirects: 'never' }
		});
		expect(await stripe.paymentIntents.retrieve(pi.id)).toMatchObject({
			customer: customer.id,
			receipt_email: 'pay@example.com',
			setup_future_usage: 'off_session',
			automatic_payment_methods: { enabled: true, allow_redirects: 'never' }
		});
		const card = await stripe.paymentIntents.create({ amount: 5000, currency: 'jpy', allowed_payment_method_types: ['card'] });
		expect(card).toMatchObject({ payment_method_types: ['card'], automatic_payment_methods: null, setup_future_usage: null });
		expect(
			(await caught(stripe.paymentIntents.create({ amount: 5000, currency: 'jpy', setup_future_usage: 'later' as never }))).param
		).toBe('setup_future_usage');

		const paid = await double.confirmPaymentIntent(pi.id, 'pm_card_visa');
		const pm = await stripe.paymentMethods.retrieve(paid.payment_method as string);
		expect(pm.customer).toBe(customer.id); // attached because of setup_future_usage, not yet the default
		expect((await stripe.customers.listPaymentMethods(customer.id)).data.map((p) => p.id)).toEqual([pm.id]);
		expect(((await stripe.customers.retrieve(customer.id)) as Stripe.Customer).invoice_settings.default_payment_method).toBeNull();
		await stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: pm.id } });
		expect(((await stripe.customers.retrieve(customer.id)) as Stripe.Customer).invoice_settings.default_payment_method).toBe(pm.id);

		// a card never attached to the customer cannot become its default
		const stranger = await stripe.paymentIntents.create({ amount: 5000, currency: 'jpy' });
		const strangerPm = (await double.confirmPaymentIntent(stranger.id, 'pm_card_mastercard')).payment_method;
		const refused = await caught(
			stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: strangerPm as string } })
		);
		expect(refused).toMatchObject({ statusCode: 400, param: 'invoice_settings[default_payment_method]' });

		// the helper does what the app does after a "save this card" payment
		const other = await stripe.customers.create({ email: 'other@example.com' });
		const saved = await stripe.paymentIntents.create({
			amount: 5000,
			currency: 'jpy',
			customer: other.id,
			setup_future_usage: 'off_session'
		});
		await stripe.paymentIntents.confirm(saved.id, { payment_method: 'pm_card_visa' });
		const updated = double.setDefaultPaymentMethodFromIntent(saved.id);
		expect(updated.invoice_settings.default_payment_method).toBe(double.get(saved.id).payment_method);
	});

	it('billing portal sessions: bps_ id and a url served by the double that leads back to return_url', async () => {
		const stripe = sdk();
		const customer = await stripe.customers.create({ email: 'portal@example.com', name: 'Portal Co' });
		const session = await stripe.billingPortal.sessions.create({ customer: customer.id, return_url: 'http://127.0.0.1:8000/' });
		expect(session).toMatchObject({ object: 'billing_portal.session', customer: customer.id, return_url: 'http://127.0.0.1:8000/' });
		expect(session.id).toMatch(/^bps_\w+$/);
		expect(session.url).toBe(`${double.url}/billing_portal/session/${session.id}`);
		const page = await fetch(session.url);
		expect(page.status).toBe(200);
		const html = await page.text();
		expect(html).toContain('data-testid="stripe-billing-portal"');
		expect(html).toContain('href="http://127.0.0.1:8000/"');
		expect((await caught(stripe.billingPortal.sessions.create({ customer: 'cus_missing' }))).statusCode).toBe(400);
	});
});

describe('tax rates on invoices', () => {
	it('rounds each line half-up to the currency step; inclusive rates share the amount; credits round away from zero', () => {
		const vat = { id: 'txr_vat', percentage: 10, inclusive: false };
		expect(lineTaxes(105, 'jpy', [vat]).map((t) => t.amount)).toEqual([11]);
		expect(lineTaxes(-105, 'jpy', [vat]).map((t) => t.amount)).toEqual([-11]);
		expect(lineTaxes(1230, 'kwd', [{ id: 'txr_k', percentage: 5, inclusive: false }]).map((t) => t.amount)).toEqual([60]); // 61.5 → 60, last digit 0
		const two = lineTaxes(1150, 'usd', [
			{ id: 'txr_a', percentage: 10, inclusive: true },
			{ id: 'txr_b', percentage: 5, inclusive: true }
		]);
		expect(two.map((t) => t.amount)).toEqual([100, 50]);
		expect(two.every((t) => t.taxable_amount === 1000)).toBe(true);
		const totals = invoiceTotals([
			{ amount: 105, taxes: lineTaxes(105, 'jpy', [vat]) },
			{ amount: 105, taxes: lineTaxes(105, 'jpy', [vat]) }
		]);
		expect(totals).toMatchObject({ subtotal: 210, total: 232, tax: 22, total_excluding_tax: 210 });
	});

	it('creates and reads tax rates; validates percentage', async () => {
		const stripe = sdk();
		const rate = await stripe.taxRates.create({ display_name: '消費税', percentage: 10, inclusive: false, country: 'JP' });
		expect(rate).toMatchObject({ object: 'tax_rate', percentage: 10, inclusive: false, country: 'JP', active: true });
		expect(rate.id).toMatch(/^txr_/);
		expect(await stripe.taxRates.retrieve(rate.id)).toEqual(rate);
		expect((await caught(stripe.taxRates.create({ display_name: 'x', percentage: 101, inclusive: false }))).param).toBe('percentage');
		expect((await caught(stripe.taxRates.create({ display_name: 'x', percentage: 5 } as never))).param).toBe('inclusive');
	});

	it('exclusive tax is added per line (rounded per line); inclusive tax is contained; default_tax_rates apply to lines without rates', async () => {
		const stripe = sdk();
		const customer = await stripe.customers.create({});
		const vat = await stripe.taxRates.create({ display_name: 'VAT', percentage: 10, inclusive: false });
		const incl = await stripe.taxRates.create({ display_name: 'VAT incl.', percentage: 10, inclusive: true });

		// exclusive, two lines of ¥105: 10.5 → 11 per line, 22 in all (once on the subtotal it would be 21)
		const inv = await stripe.invoices.create({ customer: customer.id, currency: 'jpy', default_tax_rates: [vat.id] });
		await stripe.invoiceItems.create({ customer: customer.id, invoice: inv.id, amount: 105, currency: 'jpy' });
		await stripe.invoiceItems.create({ customer: customer.id, invoice: inv.id, amount: 105, currency: 'jpy' });
		const open = await stripe.invoices.finalizeInvoice(inv.id);
		expect(open).toMatchObject({ subtotal: 210, total_excluding_tax: 210, total: 232, amount_due: 232 });
		expect(open.total_taxes).toEqual([
			expect.objectContaining({ amount: 22, tax_behavior: 'exclusive', tax_rate_details: { tax_rate: vat.id }, taxable_amount: 210 })
		]);
		expect(open.lines.data.map((l) => l.taxes?.[0].amount)).toEqual([11, 11]);
		expect(open.default_tax_rates.map((r) => r.id)).toEqual([vat.id]);
		expect(open.hosted_invoice_url).toMatch(/^https:\/\/invoice\.stripe\.com\/i\/acct_test\/test_\w+$/);
		expect(open.invoice_pdf).toMatch(/^https:\/\/pay\.stripe\.com\/invoice\/acct_test\/test_\w+\/pdf$/);

		// inclusive on the item overrides the default: ¥1100 contains ¥100 tax
		const inv2 = await stripe.invoices.create({ customer: customer.id, currency: 'jpy', default_tax_rates: [vat.id] });
		const item = await stripe.invoiceItems.create({
			customer: customer.id,
			invoice: inv2.id,
			amount: 1100,
			currency: 'jpy',
			tax_rates: [incl.id]
		});
		expect(item.tax_rates?.map((r) => r.id)).toEqual([incl.id]);
		const open2 = await stripe.invoices.finalizeInvoice(inv2.id);
		expect(open2).toMatchObject({ subtotal: 1100, subtotal_excluding_tax: 1000, total: 1100, total_excluding_tax: 1000, amount_due: 1100 });
		expect(open2.total_taxes?.[0]).toMatchObject({ amount: 100, tax_behavior: 'inclusive', taxable_amount: 1000 });

		// the hosted invoice page and PDF are served by the double (route invoice.stripe.com / pay.stripe.com to it)
		const hosted = await fetch(`${double.url}${new URL(open.hosted_invoice_url!).pathname}`);
		expect(await hosted.text()).toContain(`data-invoice="${open.id}"`);
		const pdf = await fetch(`${double.url}${new URL(open.invoice_pdf!).pathname}`);
		expect(pdf.headers.get('content-type')).toBe('application/pdf');
		expect((await pdf.text()).startsWith('%PDF-1.4')).toBe(true);
	});
});

/** The Stripe.js stand-in evaluated against a minimal DOM, its api.stripe.com calls sent to the double. */
/** The slice of Stripe.js the stand-in implements, as the tests drive it. */
interface StandInResult {
	error?: Record<string, unknown>;
	paymentIntent?: Record<string, unknown>;
}
interface StandInElement {
	on(event: string, handler: (e: Record<string, unknown>) => void): StandInElement;
	mount(target: string): void;
}
interface StandInElements {
	create(type: string, options?: object): StandInElement;
	submit(): Promise<StandInResult>;
}
interface StandInStripe {
	elements(options?: object): StandInElements;
	confirmPayment(options: object): Promise<StandInResult>;
	confirmCardPayment(clientSecret: string | null, data: object): Promise<StandInResult>;
}
type StandInConstructor = (key: string, options?: object) => StandInStripe;

function loadStandIn(): { Stripe: StandInConstructor; root: FakeNode; assigned: string[] } {
	const assigned: string[] = [];
	const root = new FakeNode('div');
	const window: { location: object; Stripe?: StandInConstructor } = {
		location: { href: 'http://127.0.0.1:8000/', assign: (url: string) => assigned.push(url) }
	};
	const document = {
		createElement: (tag: string) => new FakeNode(tag),
		querySelector: (sel: string) => (sel === '#payment' ? root : null)
	};
	const fetchToDouble = (url: string, init: RequestInit) => fetch(url.replace('https://api.stripe.com', double.url), init);
	new Function('window', 'document', 'fetch', 'URL', stripeJsStandIn())(window, document, fetchToDouble, URL);
	return { Stripe: window.Stripe!, root, assigned };
}

class FakeNode {
	children: FakeNode[] = [];
	attributes: Record<string, string> = {};
	listeners: Record<string, (() => void)[]> = {};
	parentNode: FakeNode | null = null;
	value = '';
	disabled = false;
	className = '';
	type = '';
	name = '';
	inputMode = '';
	classList = { toggle: () => {}, add: () => {}, remove: () => {} };
	constructor(readonly tag: string) {}
	setAttribute(k: string, v: string) {
		this.attributes[k] = v;
	}
	addEventListener(event: string, fn: () => void) {
		(this.listeners[event] ??= []).push(fn);
	}
	appendChild(child: FakeNode) {
		child.parentNode = this;
		this.children.push(child);
	}
	removeChild(child: FakeNode) {
		this.children = this.children.filter((c) => c !== child);
	}
	find(testId: string): FakeNode | undefined {
		if (this.attributes['data-testid'] === testId) return this;
		for (const c of this.children) {
			const hit = c.find(testId);
			if (hit) return hit;
		}
		return undefined;
	}
	type_(text: string) {
		this.value = text;
		for (const fn of this.listeners.input ?? []) fn();
	}
}

describe('Stripe.js stand-in', () => {
	it('Payment Element: elements({ clientSecret }).create("payment"), mount, confirmPayment with redirect if_required against the double', async () => {
		const { Stripe: StripeJs, root } = loadStandIn();
		const pi = await sdk().paymentIntents.create({ amount: 5000, currency: 'jpy', automatic_payment_methods: { enabled: true } });
		const stripeJs = StripeJs(PUBLISHABLE);
		expect(() => stripeJs.elements().create('payment')).toThrow(/clientSecret or mode/);
		const elements = stripeJs.elements({ clientSecret: pi.client_secret });
		const payment = elements.create('payment');
		const changes: Record<string, unknown>[] = [];
		payment.on('change', (e) => changes.push(e));
		payment.mount('#payment');
		const input = root.find('stripe-payment-card-number')!;
		expect(input).toBeDefined();
		input.type_('4242 4242');
		expect((await stripeJs.confirmPayment({ elements, redirect: 'if_required' })).error).toMatchObject({ code: 'incomplete_number' });
		input.type_('4000 0000 0000 0002');
		expect(changes.at(-1)).toMatchObject({ elementType: 'payment', complete: true, value: { type: 'card' } });
		const declined = await stripeJs.confirmPayment({
			elements,
			redirect: 'if_required',
			confirmParams: { return_url: 'http://127.0.0.1:8000/' }
		});
		expect(declined.error).toMatchObject({ type: 'card_error', code: 'card_declined', message: 'Your card was declined.' });
		input.type_('4242 4242 4242 4242');
		const ok = await stripeJs.confirmPayment({ elements, redirect: 'if_required', confirmParams: { receipt_email: 'r@example.com' } });
		expect(ok.paymentIntent).toMatchObject({ id: pi.id, status: 'succeeded' });
		expect(double.get(pi.id)).toMatchObject({ status: 'succeeded', receipt_email: 'r@example.com' });
		expect(() => stripeJs.confirmPayment({ elements })).toThrow(/return_url/);
	});

	it('Payment Element: deferred intent (mode) with elements.submit(), redirect always, Japanese decline messages; confirmCardPayment still works', async () => {
		const { Stripe: StripeJs, root, assigned } = loadStandIn();
		const stripeJs = StripeJs(PUBLISHABLE, { locale: 'ja' });
		const elements = stripeJs.elements({ mode: 'payment', amount: 5000, currency: 'jpy' });
		elements.create('payment').mount('#payment');
		const input = root.find('stripe-payment-card-number')!;
		input.type_('4000 0000 0000 9995');
		expect(await elements.submit()).toEqual({});
		const pi = await sdk().paymentIntents.create({ amount: 5000, currency: 'jpy' });
		const declined = await stripeJs.confirmPayment({ elements, clientSecret: pi.client_secret, redirect: 'if_required' });
		expect(declined.error).toMatchObject({ decline_code: 'insufficient_funds', message: 'カードの残高が不足しています。' });
		input.type_('4242424242424242');
		// like Stripe.js, a redirecting confirmPayment never settles: the page navigates away
		void stripeJs.confirmPayment({ elements, clientSecret: pi.client_secret, confirmParams: { return_url: 'http://127.0.0.1:8000/paid' } });
		await until(() => assigned.length === 1, 'the redirect to return_url');
		expect(assigned[0]).toBe(
			`http://127.0.0.1:8000/paid?payment_intent=${pi.id}&payment_intent_client_secret=${encodeURIComponent(pi.client_secret!)}&redirect_status=succeeded`
		);

		const card = StripeJs(PUBLISHABLE).elements().create('card');
		card.mount('#payment');
		root.find('stripe-card-number')!.type_('4242 4242 4242 4242');
		const other = await sdk().paymentIntents.create({ amount: 5000, currency: 'jpy' });
		const paid = await StripeJs(PUBLISHABLE).confirmCardPayment(other.client_secret, { payment_method: { card } });
		expect(paid.paymentIntent).toMatchObject({ id: other.id, status: 'succeeded' });
	});
});
