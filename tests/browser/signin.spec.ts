import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootFile } from '../support/billing';
import { launchBrowser } from '../support/browser';
import { startServer, type TestServer } from '../support/server';

const ADMIN_TOKEN = 'browser-admin-token-0123456789';
let browser: Browser;
let server: TestServer;

beforeAll(async () => {
	[browser, server] = await Promise.all([
		launchBrowser(),
		startServer({ ADMIN_TOKEN, BOOT_TIME_FILE: bootFile(3600), SERVER_NAME: 'web-1' })
	]);
});
afterAll(async () => {
	await browser?.close();
	await server?.kill();
});

describe('sign-in', () => {
	it('sends a stranger to sign in, refuses a wrong token, lets the operator in and out', async () => {
		const context = await browser.newContext({ locale: 'en-US' });
		const page = await context.newPage();
		await page.goto(server.url);
		expect(new URL(page.url()).pathname).toBe('/signin');
		expect(await page.getByTestId('server-name').count()).toBe(0);
		await page.fill('#token', 'wrong-token-wrong-token');
		await page.getByRole('button', { name: 'Sign in' }).click();
		await expect.poll(() => page.getByRole('alert').textContent()).toBe('That token is not right.');
		await page.fill('#token', ADMIN_TOKEN);
		await page.getByRole('button', { name: 'Sign in' }).click();
		await expect.poll(() => page.getByTestId('server-name').textContent()).toBe('web-1');
		const cookie = (await context.cookies()).find((c) => c.name === 'sb_session')!;
		expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
		expect(await page.evaluate(() => document.cookie)).not.toContain('sb_session');
		// the page's own API calls ride on the session
		const refreshed = page.waitForResponse((r) => r.url().includes('/api/trpc/billingStatus'));
		await page.getByTestId('refresh').click();
		expect((await refreshed).status()).toBe(200);
		await page.getByTestId('sign-out').click();
		await expect.poll(() => new URL(page.url()).pathname).toBe('/signin');
		await page.goto(server.url);
		expect(new URL(page.url()).pathname).toBe('/signin');
		await context.close();
	});
});
