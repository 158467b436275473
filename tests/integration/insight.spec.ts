import Database from 'better-sqlite3';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBillingClient, type BillingClient } from '../../src/lib/client';
import { startBilling, type BillingSetup } from '../support/billing';

const TOKEN = 'insight-admin-token-0123456789abcdef';
const HOUR = 3_600_000;
let setup: BillingSetup;
let admin: BillingClient;

const get = (path: string, token: string | null = TOKEN) =>
	fetch(setup.server.url + path, { headers: token ? { authorization: `Bearer ${token}` } : {} });
const parse = (text: string) => Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true });

beforeAll(async () => {
	setup = await startBilling('sqlite', { ADMIN_TOKEN: TOKEN, HOURLY_RATE: '100', CURRENCY: 'jpy', BILLING_TIMEZONE: 'Europe/Berlin' });
	admin = createBillingClient(setup.server.url, { token: TOKEN });
	// a card charge canceled, an invoice left open: two charges, one window
	const intent = await admin.createPaymentIntent.mutate();
	await admin.cancelCharge.mutate({ chargeId: intent.chargeId });
	await admin.createInvoice.mutate();
});
afterAll(async () => {
	await setup?.close();
});

describe('usage', () => {
	it('counts each second of a remote server once, in the bucket it fell in', async () => {
		const now = Math.floor(Date.now() / 1000) * 1000;
		// metered from a day back, on purpose (by default a server bills from when it was registered)
		await admin.addServer.mutate({ id: 'web-2', name: 'web-2', hourlyRate: '360', meteringStart: new Date(now - 24 * HOUR).toISOString() });
		// two runs: 2 h from boot, a reboot, then 30 min; the agent's report of the second arrives late
		await admin.heartbeat.mutate({
			beats: [
				{ serverId: 'web-2', bootTime: new Date(now - 5 * HOUR).toISOString(), seenAt: new Date(now - 3 * HOUR).toISOString() },
				{ serverId: 'web-2', bootTime: new Date(now - 2 * HOUR).toISOString(), seenAt: new Date(now - 1.5 * HOUR).toISOString() }
			]
		});
		const from = new Date(now - 24 * HOUR).toISOString();
		const to = new Date(now).toISOString();
		const usage = await admin.usage.query({ serverId: 'web-2', from, to, bucket: 'hour' });
		expect(usage.totalSeconds).toBe(2.5 * 3600);
		expect(usage.buckets.reduce((s, b) => s + b.seconds, 0)).toBe(usage.totalSeconds);
		expect(usage.buckets.every((b) => b.seconds <= 3600)).toBe(true);
		// ¥360/h is ¥0.1 a second: the estimate is the seconds' price, bucket by bucket
		expect(usage.totalMinor).toBe(900);
		expect(usage.currency).toBe('jpy');
		const byDay = await admin.usage.query({ serverId: 'web-2', from, to, bucket: 'day' });
		expect(byDay.totalSeconds).toBe(usage.totalSeconds);
	});

	it('refuses too many buckets with a clear 400 and answers a year by hour', async () => {
		const started = performance.now();
		const year = await admin.usage.query({ from: '2026-01-01T00:00:00Z', to: '2027-01-01T00:00:00Z', bucket: 'hour' });
		expect(year.buckets).toHaveLength(8760);
		expect(performance.now() - started).toBeLessThan(5000);
		const response = await get(
			`/api/trpc/usage?input=${encodeURIComponent(JSON.stringify({ from: '2020-01-01T00:00:00Z', to: '2027-01-01T00:00:00Z', bucket: 'hour' }))}`
		);
		expect(response.status).toBe(400);
		expect((await response.json()).error.message).toMatch(/Too many buckets: at most 10,000/);
	});
});

describe('CSV exports', () => {
	it('answers an anonymous request with 401, like the API', async () => {
		for (const path of ['/export/charges.csv', '/export/usage.csv']) {
			const response = await get(path, null);
			expect(response.status).toBe(401);
			expect((await response.json()).code).toBe('SIGN_IN_REQUIRED');
		}
	});

	it('exports the charges the API pages, row for row', async () => {
		const response = await get('/export/charges.csv?serverId=local');
		expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
		expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="charges-local\.csv"$/);
		const text = await response.text();
		expect(text).toMatch(
			/^id,server,kind,status,period_start,period_end,amount_minor,amount,currency,stripe_id,created_at,customer,net_minor,tax_minor\r\n/
		);
		const { data, errors } = parse(text);
		expect(errors).toEqual([]);
		const api = (await admin.charges.query({ serverId: 'local', limit: 100 })).items;
		expect(data).toHaveLength(api.length);
		expect(api.length).toBeGreaterThanOrEqual(2);
		data.forEach((row, i) => {
			const c = api[i];
			expect(row).toEqual({
				id: String(c.id),
				server: 'local',
				kind: c.kind,
				status: c.status,
				period_start: c.periodStart,
				period_end: c.periodEnd,
				amount_minor: String(c.amountMinor),
				amount: String(c.amountMinor), // JPY has no minor digits
				currency: c.currency,
				stripe_id: c.stripeId ?? '',
				created_at: c.createdAt,
				customer: 'default',
				net_minor: String(c.amountMinor), // no TAX_RATE: net is the amount
				tax_minor: '0'
			});
		});
	});

	it('exports usage buckets as the usage API returns them', async () => {
		const from = new Date(Date.now() - 3 * 86_400_000).toISOString();
		const to = new Date().toISOString();
		const api = await admin.usage.query({ from, to, bucket: 'day' });
		const text = await (await get(`/export/usage.csv?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&bucket=day`)).text();
		const { data, errors } = parse(text);
		expect(errors).toEqual([]);
		expect(data).toEqual(
			api.buckets.map((b) => ({
				start: b.start,
				end: b.end,
				seconds: String(b.seconds),
				amount_minor: String(b.amountMinor),
				amount: String(b.amountMinor),
				currency: 'jpy'
			}))
		);
		expect((await get('/export/usage.csv?bucket=week')).status).toBe(400);
	});

	it('streams 100,000 charges', async () => {
		const db = new Database(setup.env.DATABASE_URL);
		const insert = db.prepare(
			`insert into charges (server_id, kind, status, period_start, period_end, amount_minor, currency, description, created_at, updated_at)
			 values ('web-2', 'invoice', 'succeeded', ?, ?, 150, 'jpy', 'seed', ?, ?)`
		);
		db.transaction(() => {
			for (let i = 0; i < 100_000; i++) insert.run(i * 60_000, (i + 1) * 60_000, i * 60_000, i * 60_000);
		})();
		db.close();
		const response = await get('/export/charges.csv?serverId=web-2');
		expect(response.headers.get('content-length')).toBeNull(); // sent as it is made
		const { data } = parse(await response.text());
		expect(data).toHaveLength(100_000);
		expect(data[0]).toMatchObject({ server: 'web-2', amount_minor: '150', period_start: new Date(99_999 * 60_000).toISOString() });
	});
});
