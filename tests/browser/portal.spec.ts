import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBillingClient, type BillingClient } from '../../src/lib/client';
import { englishMessages } from '../../src/lib/i18n';
import { SECRET_KEY, startBilling, type BillingSetup } from '../support/billing';
import { launchBrowser } from '../support/browser';
import { routeStripe } from '../support/stripe-routes';

const ADMIN_TOKEN = 'portal-admin-token-0123456789';
const SHOTS = process.env.SCREENSHOT_DIR ?? '/work/notes/screens';
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const HOUR = 3_600_000;
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

let browser: Browser;
let setup: BillingSetup;
let admin: BillingClient;
/** the invitation the operator made in the browser (the first test), opened by the customer (the second) */
let acmeInvite = '';

beforeAll(async () => {
	mkdirSync(SHOTS, { recursive: true });
	browser = await launchBrowser();
	setup = await startBilling('sqlite', { SERVER_NAME: 'web-1', ADMIN_TOKEN, HOURLY_RATE: '100', CURRENCY: 'jpy' });
	admin = createBillingClient(setup.server.url, { token: ADMIN_TOKEN });
	await admin.addCustomer.mutate({ id: 'acme', name: 'Acme Hosting', email: 'billing@acme.example', locale: 'en', taxRate: '10' });
	await admin.addCustomer.mutate({ id: 'sakura', name: 'さくら商店', email: 'keiri@sakura.example', locale: 'ja', taxRate: '10' });
	const now = Date.now();
	const meteringStart = new Date(now - 12 * HOUR).toISOString();
	const servers = [
		{ id: 'acme-api', customerId: 'acme', hours: 5 },
		{ id: 'acme-db', customerId: 'acme', hours: 3 },
		{ id: 'sakura-web', customerId: 'sakura', hours: 4 },
		...[1, 2, 3, 4, 5].map((n) => ({ id: `batch-${n}`, customerId: undefined, hours: n }))
	];
	for (const s of servers)
		await admin.addServer.mutate({ id: s.id, name: s.id, meteringStart, ...(s.customerId ? { customerId: s.customerId } : {}) });
	await admin.heartbeat.mutate({
		beats: servers.map((s) => ({
			serverId: s.id,
			bootTime: new Date(now - s.hours * HOUR).toISOString(),
			seenAt: new Date(now).toISOString()
		}))
	});
});
afterAll(async () => {
	await browser?.close();
	await setup?.close();
});

async function open(url: string, options: BrowserContextOptions = {}): Promise<Page> {
	const context = await browser.newContext({ locale: 'en-US', viewport: DESKTOP, ...options });
	const page = await context.newPage();
	await routeStripe(page, setup.double);
	await page.goto(url);
	return page;
}

async function signedInOperator(options: BrowserContextOptions = {}): Promise<Page> {
	const page = await open(`${setup.server.url}/signin`, options);
	await page.fill('#token', ADMIN_TOKEN);
	await page.locator('form button[type="submit"]').click();
	await page.waitForURL((url) => url.pathname === '/');
	return page;
}

async function axe(page: Page) {
	await page.evaluate(AXE); // not a <script> tag: the page's CSP rightly refuses inline scripts
	const result = await page.evaluate(() =>
		(window as unknown as { axe: { run(): Promise<{ violations: { id: string; nodes: unknown[] }[] }> } }).axe.run()
	);
	return result.violations.map((v) => `${v.id}: ${JSON.stringify(v.nodes.map((n) => (n as { target: unknown }).target))}`);
}

/** Desktop and phone, light and dark, of one page: four screenshots to look at. */
async function screenshots(name: string, url: (page: Page) => Promise<void>, options: BrowserContextOptions = {}) {
	for (const [size, viewport] of [
		['desktop', DESKTOP],
		['phone', PHONE]
	] as const) {
		for (const colorScheme of ['light', 'dark'] as const) {
			const page = await open('about:blank', {
				...options,
				viewport,
				colorScheme,
				...(size === 'phone' ? { isMobile: true, hasTouch: true } : {})
			});
			await url(page);
			await page.screenshot({ path: `${SHOTS}/${name}-${size}-${colorScheme}.png`, fullPage: true });
			// nothing is clipped: the page itself never scrolls sideways (wide tables scroll inside their card)
			expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
			await page.context().close();
		}
	}
}

const rowIds = (page: Page, testId: string) => page.getByTestId(testId).evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')));

describe('operator views', () => {
	it('lists the customers with what they owe, and invites one with a link to copy', async () => {
		const page = await signedInOperator();
		expect(await rowIds(page, 'customer-row')).toEqual(expect.arrayContaining(['acme', 'sakura']));
		const acme = page.locator('[data-testid="customer-row"][data-id="acme"]');
		expect(await acme.locator('th').textContent()).toContain('Acme Hosting');
		expect(await acme.locator('td').first().textContent()).toBe('2');
		expect(await page.locator('#customers-title').textContent()).toBe('Customers');
		// every header cell says what it heads
		expect(await page.locator('[data-testid="customer-table"] thead th:not([scope="col"])').count()).toBe(0);

		await acme.getByTestId('invite').click();
		const link = page.getByTestId('invite-link');
		await expect.poll(() => link.inputValue()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/invite\/\S+$/);
		expect(await link.getAttribute('readonly')).not.toBeNull();
		expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('invite-link');
		acmeInvite = await link.inputValue();
		expect(await page.getByTestId('copy-invite').textContent()).toBe('Copy');
		expect(await axe(page)).toEqual([]);
		await page.context().close();
	});

	it('pages, sorts and searches the servers table, without JavaScript too', async () => {
		const page = await signedInOperator({ javaScriptEnabled: false });
		// nine servers: a table, not a row of chips
		expect(await page.getByTestId('server-list').count()).toBe(0);
		expect(await rowIds(page, 'server-row')).toHaveLength(9);
		expect(await page.locator('th[aria-sort="ascending"]').textContent()).toContain('Name');
		await page.getByTestId('sort-uptime').click();
		expect(await page.locator('th[aria-sort="ascending"]').textContent()).toContain('Uptime');
		await page.getByTestId('sort-uptime').click();
		expect(await page.locator('th[aria-sort="descending"]').textContent()).toContain('Uptime');
		expect((await rowIds(page, 'server-row'))[0]).toBe('acme-api');
		await page.getByTestId('server-search').fill('acme');
		await page.getByTestId('server-search').press('Enter');
		await page.waitForURL((url) => url.searchParams.get('q') === 'acme');
		expect(await rowIds(page, 'server-row')).toEqual(['acme-api', 'acme-db']);
		// the sort survives the search
		expect(new URL(page.url()).searchParams.get('dir')).toBe('desc');
		// the unbilled column: acme-api (5 h at ¥100/h) owes ¥500, acme-db (3 h) ¥300; sorted by it, cheapest first
		expect(await page.locator('[data-testid="server-row"][data-id="acme-api"] [data-testid="server-unbilled"]').textContent()).toBe('¥500');
		await page.getByTestId('sort-unbilled').click();
		expect(await page.locator('th[aria-sort="ascending"]').textContent()).toContain('Unbilled');
		expect(await rowIds(page, 'server-row')).toEqual(['acme-db', 'acme-api']);
		await page.context().close();
	});

	it('invites without JavaScript too (a form post answered with the link)', async () => {
		const page = await signedInOperator({ javaScriptEnabled: false });
		await page.locator('[data-testid="customer-row"][data-id="sakura"] [data-testid="invite"]').click();
		expect(await page.getByTestId('invite-link').inputValue()).toMatch(/\/invite\/\S+$/);
		expect(await page.locator('label[for="invite-link"]').textContent()).toBe('Invitation link for さくら商店');
		// the Copy button needs a script: without one it is not offered
		expect(await page.getByTestId('copy-invite').count()).toBe(0);
		await page.context().close();
	});

	it('opens a customer’s portal as the customer sees it', async () => {
		const page = await signedInOperator();
		await page.locator('[data-testid="customer-row"][data-id="sakura"] [data-testid="customer-link"]').click();
		await expect.poll(() => page.getByTestId('viewing-as').textContent()).toContain('Viewing as さくら商店');
		expect(await rowIds(page, 'portal-server')).toEqual(['sakura-web']);
		await page.context().close();
	});

	it('screenshots: the customers table', async () => {
		await screenshots('operator-customers', async (page) => {
			await page.goto(`${setup.server.url}/signin`);
			await page.fill('#token', ADMIN_TOKEN);
			await page.locator('form button[type="submit"]').click();
			await page.waitForURL((url) => url.pathname === '/');
			await page.locator('[data-testid="customer-row"][data-id="acme"] [data-testid="invite"]').click();
			await page.getByTestId('invite-link').waitFor();
			// clicking Invite scrolled a phone's table to its last column: show it from the start
			await page.evaluate(() => document.querySelectorAll('.scroll').forEach((e) => (e.scrollLeft = 0)));
		});
	});
});

describe('the customer portal', () => {
	let page: Page;

	it('opens from the invitation and shows only the customer’s own servers', async () => {
		expect(acmeInvite).not.toBe('');
		page = await open(acmeInvite);
		await page.waitForURL((url) => url.pathname === '/');
		expect(await page.getByTestId('customer-name').textContent()).toBe('Acme Hosting');
		expect(await rowIds(page, 'portal-server')).toEqual(['acme-api', 'acme-db']);
		const text = await page.locator('body').innerText();
		for (const other of ['sakura', 'batch-1', 'web-1', 'さくら']) expect(text).not.toContain(other);
		// nothing of the operator's: no customers table, no banner, no invoice button
		expect(await page.getByTestId('customers').count()).toBe(0);
		expect(await page.getByTestId('viewing-as').count()).toBe(0);
		expect(await page.getByTestId('create-invoice').count()).toBe(0);
		// 8 h at ¥100/h, with 10 % tax on top
		expect(await page.getByTestId('portal-total-unbilled').textContent()).toMatch(/^¥8\d\d$/);
		expect(await page.getByTestId('tax').textContent()).toMatch(/^¥8\d$/);
		// uptime ticks between refreshes
		const before = await page.getByTestId('portal-server-uptime').first().textContent();
		await expect.poll(() => page.getByTestId('portal-server-uptime').first().textContent(), { timeout: 3000 }).not.toBe(before);
		expect(await axe(page)).toEqual([]);
	});

	it('screenshots: the portal in English and Japanese', async () => {
		// before paying, so the page shows what is owed; a fresh session per screenshot: an invitation each
		for (const [lang, customerId, locale] of [
			['en', 'acme', 'en-US'],
			['ja', 'sakura', 'ja-JP']
		] as const) {
			await screenshots(
				`portal-${lang}`,
				async (page) => {
					const invite = await admin.inviteCustomer.mutate({ customerId });
					await page.goto(new URL(invite.url, setup.server.url).href);
					await page.waitForURL((url) => url.pathname === '/');
				},
				{ locale }
			);
		}
	});

	it('pays everything owed in one payment with the Payment Element, saving the card', async () => {
		const owed = await page.getByTestId('owed').textContent();
		await page.getByTestId('save-card').check();
		await page.getByTestId('pay-now').click();
		await page.getByTestId('stripe-payment-card-number').fill('4242 4242 4242 4242');
		expect(await page.getByTestId('pay-now').count()).toBe(0);
		// the headline keeps what is owed until the payment succeeds
		expect(await page.getByTestId('owed').textContent()).toBe(owed);
		await page.getByTestId('submit-payment').click();
		await expect.poll(() => page.getByTestId('payment-message').textContent()).toBe('Payment received. Thank you!');
		expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('payment-message');

		const intents = setup.double.paymentIntents();
		expect(intents).toHaveLength(1);
		expect(intents[0]).toMatchObject({ status: 'succeeded', setup_future_usage: 'off_session', receipt_email: 'billing@acme.example' });
		expect(`¥${intents[0].amount.toLocaleString('en')}`).toBe(owed);
		const charges = await admin.charges.query({ customerId: 'acme' });
		await expect.poll(async () => (await admin.charges.query({ customerId: 'acme' })).items[0].status).toBe('succeeded');
		expect(charges.items).toHaveLength(1);
		await expect.poll(() => page.locator('[data-testid="charge-row"]').first().getAttribute('data-status')).toBe('succeeded');
		// the card is the customer's default for invoices now, as Stripe itself says
		const customerId = intents[0].customer as string;
		const customer = await (
			await fetch(`${setup.double.url}/v1/customers/${customerId}`, { headers: { authorization: `Bearer ${SECRET_KEY}` } })
		).json();
		expect(customer.invoice_settings.default_payment_method).toMatch(/^pm_/);
		expect(customer.invoice_settings.default_payment_method).toBe(intents[0].payment_method);
	});

	it('"Manage cards and receipts" opens Stripe’s customer portal', async () => {
		await page.getByTestId('manage-cards').click();
		await page.getByTestId('stripe-billing-portal').waitFor();
		const customerId = setup.double.paymentIntents()[0].customer as string;
		expect(await page.getByTestId('stripe-billing-portal').getAttribute('data-customer')).toBe(customerId);
		expect(await page.getByTestId('stripe-billing-portal').textContent()).toContain('(default)');
		await page.context().close();
	});

	it('refuses the invitation the second time', async () => {
		const again = await open(acmeInvite);
		expect(new URL(again.url()).pathname).not.toBe('/');
		expect(await again.locator('h1').textContent()).toBe('This sign-in link has already been used.');
		expect(await again.getByTestId('customer-name').count()).toBe(0);
		await again.context().close();
	});

	it('is all Japanese in Japanese', async () => {
		const invite = await admin.inviteCustomer.mutate({ customerId: 'sakura' });
		const ja = await open(new URL(invite.url, setup.server.url).href, { locale: 'ja-JP' });
		await ja.waitForURL((url) => url.pathname === '/');
		expect(await ja.locator('html').getAttribute('lang')).toBe('ja');
		expect(await ja.getByTestId('customer-name').textContent()).toBe('さくら商店');
		await ja.getByTestId('pay-now').waitFor();
		expect(await ja.getByTestId('pay-now').textContent()).toMatch(/^\s*￥\d+ を支払う\s*$/);
		// every English word of our own strings is absent (names of things stay: Stripe, PDF, CSV, the servers' names)
		const english = new Set(
			englishMessages()
				.flatMap((m) => m.replace(/\{\w+\}/g, ' ').match(/[A-Za-z]{2,}/g) ?? [])
				.map((w) => w.toLowerCase())
		);
		for (const name of ['stripe', 'pdf', 'csv', 'js', 'id', 'api']) english.delete(name);
		// the language switch names English in English, and the servers' names are the operator's
		const visible = (await ja.locator('body').innerText()).replace('English', '').replace(/sakura-web/g, '');
		const leftovers = (visible.match(/[A-Za-z]{2,}/g) ?? []).filter((w) => english.has(w.toLowerCase()));
		expect(leftovers).toEqual([]);
		expect(await axe(ja)).toEqual([]);
		await ja.context().close();
	});

	it('ends when the operator revokes the customer’s access: the next load asks to sign in', async () => {
		const invite = await admin.inviteCustomer.mutate({ customerId: 'sakura' });
		const customer = await open(new URL(invite.url, setup.server.url).href);
		await customer.waitForURL((url) => url.pathname === '/');
		expect(await customer.getByTestId('customer-name').textContent()).toBe('さくら商店');
		const unused = await admin.inviteCustomer.mutate({ customerId: 'sakura' });

		const operator = await signedInOperator();
		const row = operator.locator('[data-testid="customer-row"][data-id="sakura"]');
		expect(await row.getByTestId('pending-links').textContent()).toMatch(/^Unused links: [1-9]\d*$/);
		await row.getByTestId('revoke').click();
		await expect
			.poll(() => operator.getByTestId('revoke-result').textContent())
			.toMatch(/^\s*Access revoked for さくら商店\. Unused links stopped: [1-9]\d*\. Sessions ended: [1-9]\d*\./);
		expect(await row.getByTestId('pending-links').count()).toBe(0);
		expect(await axe(operator)).toEqual([]);
		await operator.context().close();

		await customer.reload();
		expect(new URL(customer.url()).pathname).toBe('/signin');
		const link = await open(new URL(unused.url, setup.server.url).href);
		expect(await link.locator('h1').textContent()).toBe('This sign-in link has expired.');
		await link.context().close();
		await customer.context().close();
	});
});
