import { afterEach, describe, expect, it } from 'vitest';
import { createBillingClient } from '../../src/lib/client';
import { bootFile, failureOf, PUBLISHABLE_KEY, SECRET_KEY, startBilling, WEBHOOK_SECRET, type BillingSetup } from '../support/billing';
import { DATABASES, freshDatabase } from '../support/databases';
import { startServer, type TestServer } from '../support/server';
import { startStripeDouble, type StripeDouble } from '../support/stripe-double';

/**
 * The money invariants of issue 8, tried from outside as an auditor would: a remote server
 * whose heartbeats (times chosen by the test) are the only source of its usage, billed
 * through the API against the Stripe test double. ¥3,600/h is ¥1 a second, so amounts read
 * as seconds.
 */

let setup: BillingSetup | undefined;
afterEach(async () => {
	await setup?.close();
	setup = undefined;
});

const S = 1000;
const iso = (ms: number) => new Date(ms).toISOString();
/** a whole second, a while ago: every sighting the tests send stays in the past */
const past = (seconds: number) => Math.floor(Date.now() / S) * S - seconds * S;

async function addServer(s: BillingSetup, id: string, input: { hourlyRate?: string; meteringStart?: number } = {}) {
	await s.client.addServer.mutate({
		id,
		name: id,
		hourlyRate: input.hourlyRate ?? '3600',
		...(input.meteringStart !== undefined && { meteringStart: iso(input.meteringStart) })
	});
}

const beat = (s: BillingSetup, serverId: string, boot: number, seen: number) =>
	s.client.heartbeat.mutate({ beats: [{ serverId, bootTime: iso(boot), seenAt: iso(seen) }] });

async function pay(s: BillingSetup, serverId: string) {
	const intent = await s.client.createPaymentIntent.mutate({ serverId });
	await s.double.confirmPaymentIntent(intent.paymentIntentId, 'pm_card_visa');
	await s.double.flushWebhooks();
	const status = await s.client.billingStatus.query({ serverId });
	expect(status.lastCharge).toMatchObject({ id: intent.chargeId, status: 'succeeded' });
	return intent;
}

describe.each(DATABASES)('billing in pieces on %s', (kind) => {
	it('bills the minimum once per run: paid at 30 s (as 60 s), the run then owes 30 s at 90 s, and 200 s in all', async () => {
		setup = await startBilling(kind);
		const boot = past(1000);
		await addServer(setup, 'short', { meteringStart: boot });
		await beat(setup, 'short', boot, boot + 30 * S);
		expect((await setup.client.billingStatus.query({ serverId: 'short' })).amountMinor).toBe(60);
		const first = await pay(setup, 'short');
		expect(first.amountMinor).toBe(60);
		await beat(setup, 'short', boot, boot + 90 * S);
		// before: another 60 s (seconds 30–60 billed twice)
		expect(await setup.client.billingStatus.query({ serverId: 'short' })).toMatchObject({ amountMinor: 30, billableSeconds: 30 });
		await beat(setup, 'short', boot, boot + 200 * S);
		const second = await pay(setup, 'short');
		expect(first.amountMinor + second.amountMinor).toBe(200);
	});

	it('rounds a run up to the increment once: a 70-minute run with 1-hour steps paid at 10, 20 and 70 minutes costs 2 h', async () => {
		setup = await startBilling(kind, { BILLING_INCREMENT_SECONDS: '3600' });
		const boot = past(5000);
		await addServer(setup, 'steps', { hourlyRate: '100', meteringStart: boot });
		await beat(setup, 'steps', boot, boot + 600 * S);
		expect((await pay(setup, 'steps')).amountMinor).toBe(100);
		await beat(setup, 'steps', boot, boot + 1200 * S);
		const nothing = await failureOf(setup.client.createPaymentIntent.mutate({ serverId: 'steps' }));
		expect(nothing.data.errorCode).toBe('NOTHING_TO_BILL');
		await beat(setup, 'steps', boot, boot + 4200 * S);
		expect((await pay(setup, 'steps')).amountMinor).toBe(100);
		const history = await setup.client.charges.query({ serverId: 'steps' });
		expect(history.items.reduce((sum, c) => sum + c.amountMinor, 0)).toBe(200); // before: 300
	});
});

describe.each(DATABASES)('bounds on what an agent can claim, on %s', (kind) => {
	it('bills 200 flapping six-second boots as the time they spanned, not 200 minimums', async () => {
		setup = await startBilling(kind);
		const t0 = past(2100);
		await addServer(setup, 'flappy', { meteringStart: t0 });
		const beats = Array.from({ length: 200 }, (_, i) => ({
			serverId: 'flappy',
			bootTime: iso(t0 + i * 10 * S),
			seenAt: iso(t0 + i * 10 * S + 6 * S)
		}));
		await setup.client.heartbeat.mutate({ beats });
		const status = await setup.client.billingStatus.query({ serverId: 'flappy' });
		const spanned = 199 * 10 + 6;
		// before: 12,000 s (a minimum per boot) in 2,000 s of real time
		expect(status.billableSeconds).toBeLessThanOrEqual(spanned + 60);
		expect(status.amountMinor).toBe(status.billableSeconds);
	});

	it('never bills time before the server was registered, whatever boot it claims (1970, year 0)', async () => {
		setup = await startBilling(kind);
		await addServer(setup, 'liar');
		const registered = past(0);
		for (const claimed of ['1970-01-01T00:00:00.000Z', '0000-01-01T00:00:00.000Z']) {
			const started = Date.now();
			await setup.client.heartbeat.mutate({ beats: [{ serverId: 'liar', bootTime: claimed, seenAt: iso(past(0)) }] });
			const status = await setup.client.billingStatus.query({ serverId: 'liar' });
			expect(Date.now() - started).toBeLessThan(2000);
			// before: ¥49.9 M for 1970
			expect(status.billableSeconds).toBeLessThanOrEqual((Date.now() - registered) / S + 60);
			expect(status.amountMinor).toBeLessThanOrEqual(120);
		}
		expect(setup.server.output()).toMatch(/server liar claims a boot at 1970-01-01T00:00:00.000Z, before its metering start/);
	});

	it('keeps billing when the agent clock steps back after boot (latest sighting = newest last seen)', async () => {
		setup = await startBilling(kind);
		const boot = past(1000);
		await addServer(setup, 'ntp', { meteringStart: boot });
		await beat(setup, 'ntp', boot, boot + 300 * S);
		// NTP corrects the clock: the same boot now reads 100 s earlier, sightings go on
		await beat(setup, 'ntp', boot - 100 * S, boot + 600 * S);
		const status = await setup.client.billingStatus.query({ serverId: 'ntp' });
		expect(status.lastSeenAt).toBe(iso(boot + 600 * S));
		expect(status.billableSeconds).toBe(600); // before: frozen at 300, and NOTHING_TO_BILL
		expect((await pay(setup, 'ntp')).amountMinor).toBe(600);
	});
});

describe.each(DATABASES)('what Stripe reports, on %s', (kind) => {
	it('ignores a signed event for a Payment Intent this installation never created, whatever its metadata', async () => {
		setup = await startBilling(kind);
		const intent = await setup.client.createPaymentIntent.mutate();
		const foreign = (metadata: Record<string, string>) => ({
			id: 'pi_foreign_1',
			object: 'payment_intent',
			amount: intent.amountMinor,
			amount_received: intent.amountMinor,
			currency: 'jpy',
			status: 'succeeded',
			metadata
		});
		const metadatas: Record<string, string>[] = [
			{ charge_id: String(intent.chargeId) },
			{ charge_id: String(intent.chargeId), installation_id: 'another0000a' }
		];
		for (const metadata of metadatas) {
			const delivered = await setup.double.sendEvent('payment_intent.succeeded', foreign(metadata));
			expect(delivered.status).toBe(200);
		}
		const status = await setup.client.billingStatus.query();
		expect(status.pendingCharge).toMatchObject({ id: intent.chargeId, status: 'pending' });
	});

	it('never settles a charge on a payment of another amount or currency: flags it for review', async () => {
		setup = await startBilling(kind);
		const intent = await setup.client.createPaymentIntent.mutate();
		const ours = setup.double.get(intent.paymentIntentId);
		const delivered = await setup.double.sendEvent('payment_intent.succeeded', {
			...ours,
			status: 'succeeded',
			amount_received: 1,
			currency: 'usd'
		});
		expect(delivered.status).toBe(200);
		const status = await setup.client.billingStatus.query();
		expect(status.pendingCharge?.status).toBe('pending');
		expect(status.pendingCharge?.reviewReason).toMatch(/1 usd .* the ledger billed \d+ jpy/);
		const history = await setup.client.charges.query();
		expect(history.items[0].reviewReason).toBe(status.pendingCharge?.reviewReason);
		expect(setup.server.output()).toMatch(/payment differs from the ledger/);
	});

	it("answers Stripe's own amount_too_small with BELOW_MINIMUM naming both amounts, and the usage carries over", async () => {
		setup = await startBilling(kind);
		// the account's settlement currency wants more than the charge currency's own minimum: Stripe refuses
		setup.double.fault({ method: 'POST', path: '/v1/payment_intents', kind: 'amount-too-small' });
		const refused = await failureOf(setup.client.createPaymentIntent.mutate());
		expect(refused.data.errorCode).toBe('BELOW_MINIMUM');
		expect(refused.message).toMatch(/The unbilled amount ¥[\d,]+ is below Stripe's minimum charge of ¥50; the usage carries over/);
		expect(setup.double.paymentIntents()).toHaveLength(0);
		// nothing holds the window: the next attempt bills the same usage (and more)
		const status = await setup.client.billingStatus.query();
		expect(status.pendingCharge).toBeNull();
		const paid = await setup.client.createPaymentIntent.mutate();
		expect(paid.periodStart).toBe(status.periodStart);
	});

	it('answers 503 STRIPE_UNAVAILABLE (not 500) when Stripe cannot be reached while invoicing', async () => {
		setup = await startBilling(kind);
		setup.double.fault({ path: '/v1/customers', kind: 500, times: 20 });
		const failure = await failureOf(setup.client.createInvoice.mutate());
		expect(failure.data.errorCode).toBe('STRIPE_UNAVAILABLE');
		expect(failure.data.httpStatus).toBe(503);
	});
});

describe.each(DATABASES)('a long unbilled window on %s', (kind) => {
	it('splits more than 250 month lines over several invoices, each month billed once', async () => {
		setup = await startBilling(kind, { HOURLY_RATE: '1' });
		const boot = Date.parse('2000-01-01T00:00:00Z');
		await addServer(setup, 'old', { hourlyRate: '1', meteringStart: boot });
		await beat(setup, 'old', boot, past(60));
		const first = await setup.client.createInvoice.mutate({ serverId: 'old' });
		const firstLines = setup.double.get(first.invoiceId).lines.data as { amount: number; metadata: { month: string } }[];
		expect(firstLines).toHaveLength(250);
		expect(firstLines.reduce((sum, l) => sum + l.amount, 0)).toBe(first.amountMinor);
		await setup.double.payInvoice(first.invoiceId);
		await setup.double.flushWebhooks();
		const second = await setup.client.createInvoice.mutate({ serverId: 'old' });
		expect(second.periodStart).toBe(first.periodEnd);
		const secondLines = setup.double.get(second.invoiceId).lines.data as { metadata: { month: string } }[];
		const months = [...firstLines, ...secondLines].map((l) => l.metadata.month);
		expect(new Set(months).size).toBe(months.length);
		expect(months[0]).toBe('2000-01');
		expect(secondLines.length).toBeGreaterThan(50);
	});
});

describe.each(DATABASES)('one Stripe account, several installations, on %s', (kind) => {
	const started: TestServer[] = [];
	let double: StripeDouble | undefined;
	afterEach(async () => {
		await Promise.all(started.splice(0).map((s) => s.kill()));
		await double?.close();
		double = undefined;
	});

	async function installation(d: StripeDouble) {
		const server = await startServer({
			DATABASE_URL: await freshDatabase(kind),
			STRIPE_SECRET_KEY: SECRET_KEY,
			STRIPE_PUBLISHABLE_KEY: PUBLISHABLE_KEY,
			STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
			STRIPE_API_BASE: d.url,
			BOOT_TIME_FILE: bootFile(3 * 3600)
		});
		started.push(server);
		d.addWebhook({ url: `${server.url}/webhooks/stripe`, secret: WEBHOOK_SECRET });
		return { server, client: createBillingClient(server.url) };
	}

	it('two installations (and a reset database) each take payments; each applies only its own webhooks', async () => {
		double = await startStripeDouble({ secretKey: SECRET_KEY, publishableKey: PUBLISHABLE_KEY });
		const a = await installation(double);
		const b = await installation(double);
		// both databases number their first charge 1: before, B's collided with A's idempotency key
		const [paidA, paidB] = [await a.client.createPaymentIntent.mutate(), await b.client.createPaymentIntent.mutate()];
		expect([paidA.chargeId, paidB.chargeId]).toEqual([1, 1]);
		expect(paidA.paymentIntentId).not.toBe(paidB.paymentIntentId);
		await double.confirmPaymentIntent(paidA.paymentIntentId, 'pm_card_visa');
		await double.flushWebhooks();
		// every endpoint got A's event; only A applied it
		expect((await a.client.billingStatus.query()).lastCharge).toMatchObject({ id: 1, status: 'succeeded' });
		expect((await b.client.billingStatus.query()).pendingCharge).toMatchObject({ id: 1, status: 'pending' });
		await double.confirmPaymentIntent(paidB.paymentIntentId, 'pm_card_visa');
		await double.flushWebhooks();
		expect((await b.client.billingStatus.query()).lastCharge).toMatchObject({ id: 1, status: 'succeeded', amountMinor: paidB.amountMinor });
		expect((await a.client.charges.query()).items).toHaveLength(1);
		// a developer resets A's database: the new one is a new installation, charge 1 again, no conflict
		const reset = await installation(double);
		const again = await reset.client.createPaymentIntent.mutate();
		expect(again.chargeId).toBe(1);
		expect(double.paymentIntents()).toHaveLength(3);
	});

	it('finds the Payment Intent Stripe created when it keeps replaying a saved 500 for the key', async () => {
		double = await startStripeDouble({ secretKey: SECRET_KEY, publishableKey: PUBLISHABLE_KEY });
		const a = await installation(double);
		double.fault({ method: 'POST', path: '/v1/payment_intents', kind: 'saved-500' });
		const intent = await a.client.createPaymentIntent.mutate().catch(async (error) => {
			// the first answer may be the 503 (kept charge); asking again resumes it from Stripe's metadata
			expect((error as { data?: { errorCode?: string } }).data?.errorCode).toBe('STRIPE_UNAVAILABLE');
			return a.client.createPaymentIntent.mutate();
		});
		expect(double.paymentIntents()).toHaveLength(1);
		expect(double.paymentIntents()[0].id).toBe(intent.paymentIntentId);
		expect(double.paymentIntents()[0].metadata.charge_key).toMatch(new RegExp(`^[0-9a-f]{12}-${intent.chargeId}$`));
	});
});
