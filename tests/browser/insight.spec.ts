import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import Database from 'better-sqlite3';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootFile, startBilling, type BillingSetup } from '../support/billing';
import { launchBrowser } from '../support/browser';
import { startServer, type TestServer } from '../support/server';
import { routeStripe } from '../support/stripe-routes';

const SHOTS = process.env.SCREENSHOT_DIR ?? '/tmp/insight-shots';
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const HOUR = 3_600_000;
const UPTIME = (9 * 24 + 22) * 3600 + 300; // 9 d 22 h 5 min

let browser: Browser;
let setup: BillingSetup;

beforeAll(async () => {
	browser = await launchBrowser();
	setup = await startBilling('sqlite', {
		SERVER_NAME: 'web-1',
		HOURLY_RATE: '100',
		CURRENCY: 'jpy',
		MONTHLY_CAP: '50000',
		BOOT_TIME_FILE: bootFile(UPTIME)
	});
	const { client } = setup;
	const now = Date.now();
	// web-2: an agent that stopped reporting an hour ago; web-3: up for 40 s, less than Stripe's minimum
	// metered from before their boots, on purpose (by default a server bills from when it was registered)
	const meteringStart = new Date(now - 6 * HOUR).toISOString();
	await client.addServer.mutate({ id: 'web-2', name: 'web-2', meteringStart });
	await client.addServer.mutate({ id: 'web-3', name: 'web-3', meteringStart });
	await client.heartbeat.mutate({
		beats: [
			{ serverId: 'web-2', bootTime: new Date(now - 5 * HOUR).toISOString(), seenAt: new Date(now - HOUR).toISOString() },
			{ serverId: 'web-3', bootTime: new Date(now - 40_000).toISOString(), seenAt: new Date(now).toISOString() }
		]
	});
	// 25 paid charges for web-2: more than one page of history
	const db = new Database(setup.env.DATABASE_URL);
	const insert = db.prepare(
		`insert into charges (server_id, kind, status, period_start, period_end, amount_minor, currency, description, stripe_id, hosted_invoice_url, created_at, updated_at)
		 values ('web-2', 'invoice', 'succeeded', ?, ?, ?, 'jpy', 'seed', ?, ?, ?, ?)`
	);
	// a charge bills its servers through charge_servers (one row per server, with its chain state)
	const billed = db.prepare(
		`insert into charge_servers (charge_id, server_id, period_start, period_end, frontier) values (?, 'web-2', ?, ?, ?)`
	);
	for (let i = 0; i < 25; i++) {
		const start = now - 60 * HOUR + i * HOUR;
		const { lastInsertRowid } = insert.run(
			start,
			start + HOUR,
			100 + i,
			`in_seed${i}`,
			`https://invoice.stripe.com/i/seed${i}`,
			start + HOUR,
			start + HOUR
		);
		billed.run(lastInsertRowid, start, start + HOUR, start + HOUR);
	}
	db.close();
});
afterAll(async () => {
	await browser?.close();
	await setup?.close();
});

async function open(path = '/', options: BrowserContextOptions & { stripeJs?: 'standin' | 'unreachable' } = {}): Promise<Page> {
	const context = await browser.newContext({ locale: 'en-US', ...options });
	const page = await context.newPage();
	await routeStripe(page, setup.double, options.stripeJs);
	await page.goto(setup.server.url + path);
	return page;
}

async function axe(page: Page) {
	await page.evaluate(AXE); // not a <script> tag: the page's CSP rightly refuses inline scripts
	const result = await page.evaluate(() => (window as unknown as { axe: { run(): Promise<{ violations: unknown[] }> } }).axe.run());
	return result.violations;
}

describe('usage chart', () => {
	it('is SVG in the first HTML, with a title, a description and a bar per day holding its data', async () => {
		const page = await open('/', { javaScriptEnabled: false });
		const chart = page.getByTestId('usage-chart');
		expect(await chart.locator('svg[role="img"] > title').textContent()).toBe('Daily uptime and estimated cost, last 30 days');
		expect(await chart.locator('svg > desc').textContent()).toMatch(/^30 days: 2\d\d(\.\d)? hours up in all, about ¥[\d,]+\.$/);
		const bars = chart.locator('rect.bar');
		expect(await bars.count()).toBe(30);
		const seconds = await bars.evaluateAll((rects) => rects.map((r) => Number(r.getAttribute('data-seconds'))));
		// up for 9 d 22 h: the ten last days have time, the full days in between 24 h each
		expect(seconds.slice(0, 19).every((s) => s === 0)).toBe(true);
		expect(seconds.slice(21, 29).every((s) => s === 86_400)).toBe(true);
		const usage = await setup.client.usage.query({
			serverId: 'local',
			from: (await bars.first().getAttribute('data-day'))!,
			to: new Date().toISOString(),
			bucket: 'day'
		});
		expect(usage.buckets.slice(0, 29).map((b) => b.seconds)).toEqual(seconds.slice(0, 29));
		expect(await chart.locator('rect.bar title').last().textContent()).toMatch(/: \d+(\.\d)? h, ¥[\d,]+$/); // past 10:00 UTC today's cost passes ¥1,000
		await page.context().close();
	});

	it('shows month-to-date, the projection and the progress to the monthly cap', async () => {
		const page = await open();
		const mtd = Number((await page.getByTestId('month-to-date').textContent())!.replace(/[^\d]/g, ''));
		const projected = Number((await page.getByTestId('projection').textContent())!.replace(/[^\d]/g, ''));
		expect(mtd).toBeGreaterThan(0);
		expect(projected).toBeGreaterThanOrEqual(mtd);
		const bar = page.getByRole('progressbar', { name: 'Monthly cap' });
		expect(Number(await bar.getAttribute('aria-valuenow'))).toBe(Math.round((Math.min(mtd, 50_000) / 50_000) * 100));
		expect(await bar.getAttribute('aria-valuetext')).toMatch(/ of ¥50,000$/);
		await page.context().close();
	});
});

describe('dashboard rough edges', () => {
	it('shows a long uptime in days, in each language, with the time zone on every time', async () => {
		const page = await open();
		expect(await page.getByTestId('uptime').textContent()).toMatch(/^9 d 2[12] h$/);
		expect(await page.getByTestId('updated').textContent()).toMatch(/UTC/);
		expect(await page.locator('time').first().textContent()).toMatch(/UTC$/);
		await page.screenshot({ path: `${SHOTS}/dashboard-en.png`, fullPage: true });
		await page.goto(`${setup.server.url}/?lang=ja`);
		expect(await page.getByTestId('uptime').textContent()).toMatch(/^9日2[12]時間$/);
		expect(await page.getByTestId('billable').textContent()).toMatch(/^\d+日\d+時間$|^\d+時間\d+分\d+秒$/);
		await page.screenshot({ path: `${SHOTS}/dashboard-ja.png`, fullPage: true });
		await page.context().close();
	});

	it('keeps the headline amount when Pay is pressed, moves focus to the payment panel, and does not repeat a canceled charge', async () => {
		const page = await open();
		const before = Number((await page.getByTestId('amount').textContent())!.replace(/[^\d]/g, ''));
		await page.getByTestId('pay-now').click();
		await page.getByTestId('pending-amount').waitFor();
		const during = Number((await page.getByTestId('amount').textContent())!.replace(/[^\d]/g, ''));
		expect(during).toBeGreaterThanOrEqual(before);
		expect(await page.getByRole('heading', { name: 'Amount due' }).count()).toBe(1);
		// focus moves once the payment form is mounted (Stripe.js loads after the pending charge shows)
		await expect.poll(() => page.evaluate(() => document.activeElement?.closest('[data-testid="payment-panel"]') !== null)).toBe(true);
		// cancel, pay again: the canceled charge and the new one are not shown side by side
		await page.getByTestId('cancel-charge').click();
		await expect.poll(() => page.getByTestId('pending-amount').count()).toBe(0);
		await expect.poll(() => page.evaluate(() => document.activeElement?.closest('[data-testid="payment-panel"]') !== null)).toBe(true);
		await page.getByTestId('pay-now').click();
		await page.getByTestId('pending-amount').waitFor();
		expect(await page.getByTestId('last-charge').count()).toBe(0);
		expect(await page.locator('section.amount').textContent()).not.toMatch(/Canceled/);
		await page.getByTestId('cancel-charge').click();
		await expect.poll(() => page.getByTestId('pending-amount').count()).toBe(0);
		await page.context().close();
	});

	it('says why there is nothing to pay when less than Stripe’s minimum is owed', async () => {
		const page = await open('/?server=web-3');
		expect(await page.getByTestId('nothing-to-pay').textContent()).toMatch(
			/^¥\d+ is owed so far\. Stripe charges at least ¥50, so payment opens/
		);
		expect(await page.getByTestId('pay-now').count()).toBe(0);
		await page.context().close();
	});

	it('does not offer an invoice when Stripe.js is unreachable and a card charge is pending', async () => {
		const page = await open('/', { stripeJs: 'unreachable' });
		await page.getByTestId('pay-now').click();
		await expect.poll(() => page.getByTestId('payment-message').textContent()).toMatch(/Stripe\.js could not be loaded/);
		const notice = (await page.getByTestId('payment-message').textContent())!;
		expect(notice).toMatch(/cancel this card charge first/);
		expect(notice).not.toMatch(/You can still send an invoice/);
		expect(await page.getByTestId('create-invoice').count()).toBe(0);
		await page.getByTestId('cancel-charge').click();
		await page.getByTestId('create-invoice').waitFor();
		await page.context().close();
	});

	it('does not tick the uptime of an offline server', async () => {
		const context = await browser.newContext({ locale: 'en-US' });
		const page = await context.newPage();
		await page.clock.install();
		await page.goto(`${setup.server.url}/?server=web-2`);
		const before = await page.getByTestId('uptime').textContent();
		expect(before).toBe('4 h 0 min 0 s');
		await page.clock.runFor(5000);
		expect(await page.getByTestId('uptime').textContent()).toBe(before);
		expect(await page.getByTestId('offline').textContent()).toMatch(/offline\s+· Last seen .* UTC/);
		await context.close();
	});

	it('pages the history older and newer, with invoice links', async () => {
		const page = await open('/?server=web-2');
		const ids = () => page.locator('[data-testid="charge-row"]').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-id'))));
		const first = await ids();
		expect(first).toHaveLength(20);
		expect(await page.getByTestId('history-invoice-link').first().getAttribute('href')).toMatch(/^https:\/\/invoice\.stripe\.com\/i\/seed/);
		expect(await page.getByTestId('newer').isDisabled()).toBe(true);
		await page.getByTestId('older').click();
		await expect.poll(ids).toHaveLength(5);
		expect(Math.max(...(await ids()))).toBeLessThan(Math.min(...first));
		expect(await page.getByTestId('older').isDisabled()).toBe(true);
		await page.getByTestId('newer').click();
		await expect.poll(ids).toEqual(first);
		await page.context().close();
	});

	it('lays the history out for a 375 px phone: no clipped status, the period on at most two lines', async () => {
		const page = await open('/?server=web-2', { viewport: { width: 375, height: 800 }, deviceScaleFactor: 1 });
		const row = page.locator('[data-testid="charge-row"]').first();
		const status = await row.locator('.badge').boundingBox();
		expect(status!.x + status!.width).toBeLessThanOrEqual(375);
		const period = await row.locator('td.period').boundingBox();
		const lineHeight = await row.locator('td.period').evaluate((td) => parseFloat(getComputedStyle(td).lineHeight));
		expect(period!.height).toBeLessThanOrEqual(2 * lineHeight + 8);
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
		await page.screenshot({ path: `${SHOTS}/phone-top-en.png` });
		const history = (await page.locator('section.history').boundingBox())!;
		await page.screenshot({ path: `${SHOTS}/phone-history-en.png`, fullPage: true, clip: { x: 0, y: history.y, width: 375, height: 700 } });
		await page.goto(`${setup.server.url}/?lang=ja`);
		await page.screenshot({ path: `${SHOTS}/phone-ja.png` });
		const chart = (await page.locator('section.usage').boundingBox())!;
		await page.screenshot({
			path: `${SHOTS}/phone-chart-ja.png`,
			fullPage: true,
			clip: { x: 0, y: chart.y - 400, width: 375, height: 800 }
		});
		await page.context().close();
	});

	it('honours Accept-Language q-values', async () => {
		const page = await open('/', { locale: undefined, extraHTTPHeaders: { 'accept-language': 'fr-FR, ja;q=0.5, en;q=0.8' } });
		expect(await page.locator('html').getAttribute('lang')).toBe('en');
		await page.context().close();
	});
});

describe('accessibility (axe-core)', () => {
	for (const lang of ['en', 'ja']) {
		it(`finds no violation on the dashboard with its chart (${lang})`, async () => {
			const page = await open(`/?lang=${lang}`);
			await page.getByTestId('usage-chart').waitFor();
			expect(await axe(page)).toEqual([]);
			await page.context().close();
		});
	}
	it('finds no violation on the dashboard in dark mode, on a phone', async () => {
		const page = await open('/?server=web-2', { colorScheme: 'dark', viewport: { width: 375, height: 800 } });
		expect(await axe(page)).toEqual([]);
		await page.screenshot({ path: `${SHOTS}/phone-dark.png` });
		await page.context().close();
	});
});

describe('sign-in page', () => {
	let server: TestServer;
	beforeAll(async () => {
		server = await startServer({ ADMIN_TOKEN: 'insight-admin-token-0123456789abcdef', BOOT_TIME_FILE: bootFile(3600) });
	});
	afterAll(async () => {
		await server?.kill();
	});

	it('switches language, keeps where to go next, and has no axe violation', async () => {
		const context = await browser.newContext({ locale: 'en-US' });
		const page = await context.newPage();
		await page.goto(`${server.url}/?server=local`);
		expect(await page.getByRole('heading', { name: 'Sign in' }).count()).toBe(1);
		expect(await axe(page)).toEqual([]);
		await page.getByRole('link', { name: '日本語' }).click();
		await expect.poll(() => page.getByRole('heading', { name: 'サインイン' }).count()).toBe(1);
		expect(new URL(page.url()).searchParams.get('next')).toBe('/?server=local');
		expect(await axe(page)).toEqual([]);
		await page.screenshot({ path: `${SHOTS}/signin-ja.png` });
		await context.close();
	});
});
