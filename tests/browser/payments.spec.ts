import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bootFile, startBilling, type BillingSetup } from '../support/billing';
import { launchBrowser } from '../support/browser';
import { startServer } from '../support/server';
import { routeStripe } from '../support/stripe-routes';

let browser: Browser;
let setup: BillingSetup | undefined;
let page: Page;

beforeAll(async () => {
	browser = await launchBrowser();
});
afterAll(async () => {
	await browser?.close();
});
afterEach(async () => {
	await page?.context().close();
	await setup?.close();
	setup = undefined;
});

async function open(options: { live?: boolean; stripeJs?: 'standin' | 'unreachable'; env?: Record<string, string> } = {}) {
	setup = await startBilling('sqlite', { SERVER_NAME: 'web-1', ...options.env }, { live: options.live });
	const context = await browser.newContext({ locale: 'en-US' });
	page = await context.newPage();
	await routeStripe(page, setup.double, options.stripeJs);
	await page.goto(setup.server.url);
	return page;
}

const text = (testId: string) => page.getByTestId(testId).textContent();

describe('payment panel', () => {
	it('pays with a card through Stripe Elements and shows the charge as paid', async () => {
		await open();
		const amount = await text('amount');
		await page.getByTestId('pay-now').click();
		await page.getByTestId('stripe-payment-card-number').fill('4242 4242 4242 4242');
		await page.getByTestId('submit-payment').click();
		await expect.poll(() => text('payment-message')).toBe('Payment received. Thank you!');
		await expect.poll(() => page.locator('[data-testid="charge-row"]').first().getAttribute('data-status')).toBe('succeeded');
		const paid = await page.locator('[data-testid="charge-row"] td.num').first().textContent();
		expect(paid).toBe(amount);
		// the unbilled window moved: only the seconds since the payment remain
		await expect.poll(() => text('amount')).toMatch(/^¥[0-9]$/);
		const intents = setup!.double.paymentIntents();
		expect(intents).toHaveLength(1);
		expect(intents[0].status).toBe('succeeded');
		await page.screenshot({ path: join(tmpdir(), 'sb-paid.png'), fullPage: true });
	});

	it('shows a declined card readably and keeps the charge open to retry', async () => {
		await open();
		await page.getByTestId('pay-now').click();
		await page.getByTestId('stripe-payment-card-number').fill('4000 0000 0000 0002');
		await page.getByTestId('submit-payment').click();
		await expect.poll(() => text('payment-message')).toBe('Your card was declined.');
		// the outcome is where keyboard focus goes, so a screen reader reads it next
		expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('payment-message');
		await page.getByTestId('stripe-payment-card-number').fill('4000 0000 0000 9995');
		await page.getByTestId('submit-payment').click();
		await expect.poll(() => text('payment-message')).toBe('Your card has insufficient funds.');
		await page.screenshot({ path: join(tmpdir(), 'sb-declined.png'), fullPage: true });
		await page.getByTestId('stripe-payment-card-number').fill('4242424242424242');
		await page.getByTestId('submit-payment').click();
		await expect.poll(() => text('payment-message')).toBe('Payment received. Thank you!');
		expect(setup!.double.paymentIntents()).toHaveLength(1);
	});

	it('says a decline in the page language (Japanese)', async () => {
		await open();
		await page.goto(`${setup!.server.url}/?lang=ja`);
		await page.getByTestId('pay-now').click();
		await page.getByTestId('stripe-payment-card-number').fill('4000 0000 0000 9995');
		await page.getByTestId('submit-payment').click();
		await expect.poll(() => text('payment-message')).toBe('カードの残高が不足しています。');
	});

	it('offers the test-card button in test mode only', async () => {
		await open();
		await page.getByTestId('pay-now').click();
		await page.getByTestId('test-payment').click();
		await expect.poll(() => text('payment-message')).toBe('Payment received. Thank you!');
		expect(setup!.double.paymentIntents()[0].status).toBe('succeeded');
		await page.context().close();
		await setup!.close();

		await open({ live: true });
		await page.getByTestId('pay-now').click();
		await page.getByTestId('stripe-payment-card-number').waitFor();
		expect(await page.getByTestId('submit-payment').count()).toBe(1);
		expect(await page.getByTestId('test-payment').count()).toBe(0);
		expect(await page.getByText('Test mode').count()).toBe(0);
	});

	it('creates one charge however often Pay is clicked', async () => {
		await open();
		setup!.double.setLatency(300);
		await page.getByTestId('pay-now').dblclick();
		await page
			.getByTestId('pay-now')
			.click({ force: true })
			.catch(() => {});
		await page.getByTestId('stripe-payment-card-number').waitFor();
		expect(setup!.double.paymentIntents()).toHaveLength(1);
		const history = await setup!.client.charges.query();
		expect(history.items).toHaveLength(1);
	});

	it('keeps working when Stripe.js cannot load, and can still send an invoice', async () => {
		await open({ stripeJs: 'unreachable' });
		await page.getByTestId('pay-now').click();
		await expect.poll(() => text('payment-message')).toMatch(/Stripe\.js could not be loaded/);
		// the rest of the page still works
		const refreshed = page.waitForResponse((r) => r.url().includes('/api/trpc/billingStatus'));
		await page.getByTestId('refresh').click();
		expect((await refreshed).status()).toBe(200);
		await page.getByTestId('cancel-charge').click();
		await page.getByTestId('create-invoice').click();
		await expect.poll(() => page.getByTestId('invoice-link').getAttribute('href')).toMatch(/^https:\/\/invoice\.stripe\.com\//);
		expect(setup!.double.invoices()).toHaveLength(1);
		await page.screenshot({ path: join(tmpdir(), 'sb-nostripejs.png'), fullPage: true });
	});

	it('shows the payment made elsewhere after the next refresh (webhook → new window)', async () => {
		await open();
		await page.clock.install();
		await page.reload();
		await page.getByTestId('pay-now').click();
		await page.getByTestId('stripe-payment-card-number').waitFor();
		const charge = (await setup!.client.charges.query()).items[0];
		await setup!.double.confirmPaymentIntent(charge.stripeId!, 'pm_card_visa');
		await setup!.double.flushWebhooks();
		await page.clock.runFor(30_000);
		await expect.poll(() => page.locator('[data-testid="charge-row"]').first().getAttribute('data-status')).toBe('succeeded');
	});
});

describe('without Stripe keys', () => {
	it('explains what to configure and still meters', async () => {
		const server = await startServer({ BOOT_TIME_FILE: bootFile(3600) });
		try {
			const context = await browser.newContext();
			page = await context.newPage();
			await routeStripe(page, undefined, 'unreachable');
			await page.goto(server.url);
			expect(await text('stripe-off')).toContain('STRIPE_SECRET_KEY');
			expect(await text('amount')).toMatch(/^¥\d+$/);
			expect(await page.getByTestId('pay-now').count()).toBe(0);
		} finally {
			await server.kill();
		}
	});
});
