import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../app';
import { loadConfig } from '../config';
import { createLogger } from '../log';
import { billingStatus } from './status';

const T0 = Date.parse('2026-11-20T10:00:00Z');
let app: App | undefined;
afterEach(() => app?.stop());

/** This machine, up since T0, on a clock the test moves; no timers. */
async function openApp(env: Record<string, string> = {}) {
	let now = T0 + 3600_000;
	const config = loadConfig({ DATABASE_URL: join(mkdtempSync(join(tmpdir(), 'sb-status-')), 'billing.db'), SERVER_NAME: 'web-1', ...env });
	app = await App.open(config, {
		clock: () => now,
		uptime: { bootTime: () => T0 },
		sampling: false,
		logger: createLogger(false, new Writable({ write: (_c, _e, done) => done() }))
	});
	return { app, at: (ms: number) => (now = ms) };
}

describe('billing status between samples', () => {
	it('follows the clock to the millisecond and the second, like a fresh computation', async () => {
		const { app, at } = await openApp();
		const first = await billingStatus(app);
		expect(first).toMatchObject({ uptimeSeconds: 3600, billableSeconds: 3600, amountMinor: 100, lastSeenAt: '2026-11-20T11:00:00.000Z' });
		at(T0 + 3600_250);
		const sameSecond = await billingStatus(app);
		expect(sameSecond).toEqual({ ...first, lastSeenAt: '2026-11-20T11:00:00.250Z' });
		expect(Object.keys(sameSecond)).toEqual(Object.keys(first));
		at(T0 + 3600_000 + 36_000);
		expect(await billingStatus(app)).toMatchObject({
			uptimeSeconds: 3636,
			billableSeconds: 3636,
			amountMinor: 101,
			periodEnd: '2026-11-20T11:00:36.000Z'
		});
	});

	it('answers each locale in its own words, and a caller changing its copy changes nothing', async () => {
		const { app } = await openApp({ CURRENCY: 'usd', HOURLY_RATE: '12.5' });
		const en = await billingStatus(app, undefined, 'en');
		(en as { amountFormatted: string }).amountFormatted = 'changed';
		expect((await billingStatus(app, undefined, 'ja')).amountFormatted).toBe('$12.50');
		expect((await billingStatus(app, undefined, 'en')).amountFormatted).toBe('$12.50');
	});

	it('moves on as soon as a sample is written', async () => {
		const { app, at } = await openApp();
		await billingStatus(app);
		at(T0 + 7200_000);
		await app.meter.sample();
		expect(await billingStatus(app)).toMatchObject({ uptimeSeconds: 7200, amountMinor: 200, lastSeenAt: '2026-11-20T12:00:00.000Z' });
	});
});
