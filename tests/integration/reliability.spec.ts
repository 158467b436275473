import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createBillingClient } from '../../src/lib/client';
import { startBilling, WEBHOOK_SECRET, type BillingSetup } from '../support/billing';
import { expectConsistentLedger, readCharges } from '../support/ledger';
import { startExpectingFailure } from '../support/server';
import { until } from '../support/until';

/** ¥100 a second is more than a year of it fits in one Stripe amount: a monthly cap keeps that rate valid (config/bounds.ts) */
const FAST_RATE_CAP = '8000000';

let setup: BillingSetup | undefined;
let mountPoint: string | undefined;
afterEach(async () => {
	await setup?.close();
	setup = undefined;
	if (mountPoint) {
		try {
			execFileSync('umount', [mountPoint]);
		} catch {
			// already gone
		}
		mountPoint = undefined;
	}
});

/** A small tmpfs of our own (as root), to make the disk full or read-only for real. */
function tmpfs(sizeKb: number): string | undefined {
	const dir = mkdtempSync(join(tmpdir(), 'sb-mnt-'));
	try {
		execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKb}k`, 'tmpfs', dir], { stdio: 'ignore' });
		mountPoint = dir;
		return dir;
	} catch {
		return undefined;
	}
}

const failureOf = (promise: Promise<unknown>) =>
	promise.then(
		() => undefined,
		(e) => e
	);

describe('database faults (SQLite)', () => {
	it('answers a locked database with a clear 503, writes nothing, and recovers', async () => {
		setup = await startBilling('sqlite');
		const databaseUrl = setup.env.DATABASE_URL;
		const locker = new SQLite(databaseUrl);
		locker.exec('begin exclusive');
		try {
			const error = await failureOf(setup.client.createPaymentIntent.mutate());
			expect(error.data).toMatchObject({ errorCode: 'DATABASE_UNAVAILABLE', httpStatus: 503 });
			expect(error.message).toBe('The database is busy (locked by another process); nothing was changed, try again later');
		} finally {
			locker.exec('rollback');
			locker.close();
		}
		expect(await readCharges(databaseUrl)).toEqual([]);
		expect(setup.double.paymentIntents()).toHaveLength(0);
		const intent = await setup.client.createPaymentIntent.mutate();
		expect(setup.double.paymentIntents().map((p) => p.id)).toEqual([intent.paymentIntentId]);
	}, 30_000);

	it('answers a full disk with a clear 503, leaves no partial charge, and recovers', async (ctx) => {
		const dir = tmpfs(4096);
		if (!dir) return ctx.skip('mounting a tmpfs needs root');
		setup = await startBilling('sqlite', { DATABASE_URL: join(dir, 'billing.db') });
		// fill the disk to the last byte
		const filler = join(dir, 'filler');
		try {
			execFileSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=4k'], { stdio: 'ignore' });
		} catch {
			// dd stops with "No space left on device": that is the point
		}
		const error = await failureOf(setup.client.createPaymentIntent.mutate());
		expect(error.data?.errorCode).toBe('DATABASE_UNAVAILABLE');
		expect(error.data?.httpStatus).toBe(503);
		expect(setup.double.paymentIntents()).toHaveLength(0);
		rmSync(filler);
		expect(await readCharges(join(dir, 'billing.db'))).toEqual([]);
		const intent = await setup.client.createPaymentIntent.mutate();
		expect(intent.amountMinor).toBeGreaterThan(0);
		expectConsistentLedger(await readCharges(join(dir, 'billing.db')), setup.double);
	});

	it('refuses to start on a read-only data directory, saying so, and changes nothing', async (ctx) => {
		const dir = tmpfs(8192);
		if (!dir) return ctx.skip('mounting a tmpfs needs root');
		const databaseUrl = join(dir, 'billing.db');
		setup = await startBilling('sqlite', { DATABASE_URL: databaseUrl });
		const intent = await setup.client.createPaymentIntent.mutate();
		await setup.server.stop();
		const before = await readCharges(databaseUrl);
		execFileSync('mount', ['-o', 'remount,ro', dir]);
		const { code, output } = await startExpectingFailure({ DATABASE_URL: databaseUrl });
		expect(code).not.toBe(0);
		expect(output).toContain(`Cannot open the database at ${databaseUrl}: read-only`);
		execFileSync('mount', ['-o', 'remount,rw', dir]);
		expect(await readCharges(databaseUrl)).toEqual(before);
		expect(before.map((c) => c.stripe_id)).toEqual([intent.paymentIntentId]);
	});
});

describe('Stripe faults under concurrency', () => {
	it('20 clients clicking Pay while Stripe fails twice get one Payment Intent', async () => {
		setup = await startBilling('sqlite', { MUTATION_RATE_LIMIT: '1000' });
		const { double } = setup;
		double.setLatency(50);
		double.fault({ method: 'POST', path: '/v1/payment_intents', kind: 500 });
		double.fault({ method: 'POST', path: '/v1/payment_intents', kind: 'after', nth: 2 });
		const clients = Array.from({ length: 20 }, () => createBillingClient(setup!.server.url));
		const results = await Promise.allSettled(clients.map((c) => c.createPaymentIntent.mutate()));
		const ids = new Set(
			results
				.filter((r) => r.status === 'fulfilled')
				.map((r) => (r as PromiseFulfilledResult<{ paymentIntentId: string }>).value.paymentIntentId)
		);
		expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
		expect(ids.size).toBe(1);
		expect(double.paymentIntents()).toHaveLength(1);
		expectConsistentLedger(await readCharges(setup.env.DATABASE_URL), double);
	});
});

describe('crashes (SIGKILL) and restarts', () => {
	it('a kill while a webhook is applied: Stripe redelivers, the event lands once', async () => {
		setup = await startBilling('sqlite', {}, { webhooks: false });
		for (const delayMs of [0, 2, 5, 10]) {
			const intent = await setup.client.createPaymentIntent.mutate();
			const paid = await setup.double.confirmPaymentIntent(intent.paymentIntentId, 'pm_card_visa');
			const url = `${setup.server.url}/webhooks/stripe`;
			const first = setup.double.sendEvent('payment_intent.succeeded', paid, { url, secret: WEBHOOK_SECRET } as never);
			await new Promise((r) => setTimeout(r, delayMs));
			await setup.server.kill();
			const delivered = await first;
			await setup.restart();
			// Stripe retries anything not acknowledged with a 2xx (and may retry even then)
			const retry = await setup.double.sendEvent('payment_intent.succeeded', paid, {
				event: delivered.event,
				url: `${setup.server.url}/webhooks/stripe`,
				secret: WEBHOOK_SECRET
			} as never);
			expect(retry.status).toBe(200);
			const charges = await readCharges(setup.env.DATABASE_URL);
			expect(charges.find((c) => c.stripe_id === intent.paymentIntentId)?.status).toBe('succeeded');
			expectConsistentLedger(charges, setup.double);
			// run a little so the next charge is above Stripe's minimum (¥100 a second here is too
			// much for a default rate, so bump the usage by waiting on a fast rate instead)
			await setup.restart({ HOURLY_RATE: '360000', MONTHLY_CAP: FAST_RATE_CAP });
			await new Promise((r) => setTimeout(r, 1100));
		}
	}, 120_000);

	it('kills during billing writes at random moments never double-bill or lose a second', async () => {
		setup = await startBilling('sqlite', { HOURLY_RATE: '360000', MONTHLY_CAP: FAST_RATE_CAP, MUTATION_RATE_LIMIT: '1000' });
		const { double } = setup;
		for (let round = 0; round < 6; round++) {
			double.setLatency(round * 15);
			const client = createBillingClient(setup.server.url);
			// handlers attached at once: the kill below makes some of these fail, as it should
			const calls = [
				client.createPaymentIntent.mutate(),
				client.createPaymentIntent.mutate(),
				client.charges.query().then(async (page) => {
					const open = page.items.find((c) => c.status === 'pending');
					if (open?.stripeId && round % 2 === 0) await double.confirmPaymentIntent(open.stripeId, 'pm_card_visa');
					if (open && round % 3 === 1) await client.cancelCharge.mutate({ chargeId: open.id });
				})
			].map((call) => call.catch((error: unknown) => error));
			await new Promise((r) => setTimeout(r, 20 + Math.floor(Math.random() * 120)));
			await setup.server.kill();
			await Promise.allSettled(calls);
			double.setLatency(0);
			await setup.restart();
			await until(async () => !(await readCharges(setup!.env.DATABASE_URL)).some((c) => c.status === 'creating'), 'reconciliation');
			await double.flushWebhooks();
			await new Promise((r) => setTimeout(r, 300));
			expectConsistentLedger(await readCharges(setup.env.DATABASE_URL), double);
		}
	}, 120_000);
});
