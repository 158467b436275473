import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../support/browser';
import { startServer, type TestServer } from '../support/server';

let browser: Browser;
let server: TestServer;
let bootFile: string;
const boot = Date.now() - (2 * 3600 + 5 * 60) * 1000; // up 2 h 05 min

beforeAll(async () => {
	bootFile = join(mkdtempSync(join(tmpdir(), 'sb-boot-')), 'boot');
	writeFileSync(bootFile, String(boot));
	[browser, server] = await Promise.all([
		launchBrowser(),
		startServer({ BOOT_TIME_FILE: bootFile, SAMPLE_INTERVAL_SECONDS: '1', SERVER_NAME: 'web-1', HOURLY_RATE: '100', CURRENCY: 'jpy' })
	]);
});

afterAll(async () => {
	await browser?.close();
	await server?.kill();
});

describe('dashboard', () => {
	it('renders server name, uptime, rate and amount in the first HTML', async () => {
		const html = await (await fetch(server.url, { headers: { 'accept-language': 'en' } })).text();
		expect(html).toContain('web-1');
		expect(html).toMatch(/2 h [45] min \d+ s/);
		expect(html).toContain('¥100/h');
		expect(html).toMatch(/¥2\d\d/); // ≈ 2.08 h × ¥100 = ¥208
	});

	it('ticks the uptime every second and refreshes from the server every 30 s', async () => {
		const context = await browser.newContext({ locale: 'en-US' });
		const page = await context.newPage();
		await page.clock.install();
		const calls: string[] = [];
		page.on('request', (r) => r.url().includes('/api/trpc/') && calls.push(r.url()));
		await page.goto(server.url);
		await expect.poll(() => page.getByTestId('server-name').textContent()).toBe('web-1');
		const before = await page.getByTestId('uptime').textContent();
		// the page ticks once it has hydrated (the server's HTML is there before): a fake second at a time until it does
		await expect
			.poll(
				async () => {
					await page.clock.runFor(1000);
					return page.getByTestId('uptime').textContent();
				},
				{ timeout: 5000, interval: 250 }
			)
			.not.toBe(before);
		expect(calls).toHaveLength(0);

		// the machine reboots: after the next refresh the page shows the new, short uptime
		writeFileSync(bootFile, String(Date.now() - 60_000));
		await new Promise((r) => setTimeout(r, 1500));
		await page.clock.runFor(27_500);
		await expect.poll(() => calls.length).toBeGreaterThanOrEqual(1);
		await expect.poll(() => page.getByTestId('uptime').textContent()).toMatch(/^0 h 1 min/);
		await context.close();
	});

	it('refreshes on demand', async () => {
		const page = await browser.newPage();
		await page.goto(server.url);
		const response = page.waitForResponse((r) => r.url().includes('/api/trpc/billingStatus'));
		await page.getByTestId('refresh').click();
		expect((await response).status()).toBe(200);
		await page.close();
	});

	it('speaks Japanese by Accept-Language and switches to English', async () => {
		const context = await browser.newContext({ locale: 'ja-JP', extraHTTPHeaders: { 'accept-language': 'ja' } });
		const page = await context.newPage();
		await page.goto(server.url);
		await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('ja');
		expect(await page.getByRole('heading', { name: '稼働時間' }).count()).toBe(1);
		expect(await page.getByTestId('amount').textContent()).toMatch(/^￥\d+/);
		await page.getByRole('link', { name: 'English' }).click();
		await expect.poll(() => page.getByRole('heading', { name: 'Uptime' }).count()).toBe(1);
		await page.screenshot({ path: join(tmpdir(), 'sb-dashboard-en.png'), fullPage: true });
		await context.close();
	});
});
