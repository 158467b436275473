import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createBillingClient } from '../../src/lib/client';
import { DATABASES, freshDatabase } from '../support/databases';
import { startExpectingFailure, startServer, type TestServer } from '../support/server';

/** ¥ at 100/h, by hand: seconds × 100 / 3600, half-up. */
const yenAt100 = (seconds: number) => Math.floor((seconds * 100 * 2 + 3600) / 7200);
/** cents at $0.0104/h, by hand: seconds × 1.04 / 3600 cents, half-up. */
const centsAt0104 = (seconds: number) => Number((BigInt(seconds) * 104n * 2n + 360000n) / 720000n);

const servers: TestServer[] = [];
afterEach(async () => {
	await Promise.all(servers.splice(0).map((s) => s.kill()));
});

async function start(env: Record<string, string>) {
	const server = await startServer(env);
	servers.push(server);
	return server;
}

function bootFile(bootTime: Date): string {
	const path = join(mkdtempSync(join(tmpdir(), 'sb-boot-')), 'boot');
	writeFileSync(path, bootTime.toISOString());
	return path;
}

const getJson = async (url: string) => {
	const response = await fetch(url);
	return { status: response.status, body: await response.json() };
};

describe.each(DATABASES)('metering on %s', (kind) => {
	it('prices the billable seconds exactly (JPY) and keeps the window across a restart', async () => {
		const databaseUrl = await freshDatabase(kind);
		const boot = new Date(Date.now() - 3 * 3600_000);
		const env = { DATABASE_URL: databaseUrl, BOOT_TIME_FILE: bootFile(boot), HOURLY_RATE: '100', CURRENCY: 'jpy' };
		let server = await start(env);
		const client = createBillingClient(server.url);
		const first = await client.billingStatus.query();
		expect(first.currency).toBe('jpy');
		expect(first.billableSeconds).toBeGreaterThanOrEqual(3 * 3600);
		expect(first.amountMinor).toBe(yenAt100(first.billableSeconds));
		expect(first.periodStart).toBe(new Date(Math.floor(boot.getTime() / 1000) * 1000).toISOString());

		await server.stop();
		await new Promise((r) => setTimeout(r, 1100));
		server = await start(env);
		const second = await createBillingClient(server.url).billingStatus.query();
		expect(second.periodStart).toBe(first.periodStart);
		expect(second.billableSeconds).toBeGreaterThan(first.billableSeconds);
		expect(second.amountMinor).toBe(yenAt100(second.billableSeconds));
	});

	it('prices USD in cents with a sub-cent hourly rate', async () => {
		const boot = new Date(Date.now() - 500 * 3600_000);
		const server = await start({
			DATABASE_URL: await freshDatabase(kind),
			BOOT_TIME_FILE: bootFile(boot),
			HOURLY_RATE: '0.0104',
			CURRENCY: 'usd'
		});
		const status = await createBillingClient(server.url).billingStatus.query();
		expect(status.currency).toBe('usd');
		expect(status.hourlyRate).toBe('0.0104');
		expect(status.amountMinor).toBe(centsAt0104(status.billableSeconds));
		expect(status.amountFormatted).toBe(`$${(status.amountMinor / 100).toFixed(2)}`);
	});

	it('starts a new run after a reboot and counts both, once', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'sb-boot-'));
		const file = join(dir, 'boot');
		const firstBoot = Date.now() - 600_000;
		writeFileSync(file, String(firstBoot));
		const server = await start({
			DATABASE_URL: await freshDatabase(kind),
			BOOT_TIME_FILE: file,
			SAMPLE_INTERVAL_SECONDS: '1',
			MINIMUM_BILLABLE_SECONDS: '0'
		});
		const client = createBillingClient(server.url);
		const before = await client.billingStatus.query();
		// the machine "reboots": the old run ends at its last sample, a new one starts 2 s ago
		const secondBoot = Date.now() - 2000;
		writeFileSync(file, String(secondBoot));
		await new Promise((r) => setTimeout(r, 2200));
		const after = await client.billingStatus.query();
		expect(after.bootTime).toBe(new Date(Math.floor(secondBoot / 1000) * 1000).toISOString());
		expect(after.periodStart).toBe(before.periodStart);
		// old run: ≈ 600 s up to its last sample; new run: ≈ 4 s; never the gap between them twice
		const gapFreeTotal = (Date.now() - firstBoot) / 1000;
		expect(after.billableSeconds).toBeGreaterThan(before.billableSeconds);
		expect(after.billableSeconds).toBeLessThan(gapFreeTotal + 2);
		expect(after.uptimeSeconds).toBeLessThan(10);
	});

	it('serves the prototype JSON endpoints with their snake_case fields', async () => {
		const boot = new Date(Date.now() - 7200_000);
		const server = await start({ DATABASE_URL: await freshDatabase(kind), BOOT_TIME_FILE: bootFile(boot) });
		const status = await getJson(`${server.url}/api/billing-status`);
		expect(status.status).toBe(200);
		expect(status.body).toMatchObject({ server_name: 'test-server', hourly_rate: 100, currency: 'jpy' });
		expect(status.body.uptime).toMatch(/^2h 00m \d\ds$/);
		expect(status.body.total_amount).toBe(yenAt100(status.body.billable_seconds));
		expect(Date.parse(status.body.boot_time)).toBe(Math.floor(boot.getTime() / 1000) * 1000);
		const uptime = await getJson(`${server.url}/api/uptime`);
		expect(uptime.body).toMatchObject({ hours: 2, minutes: 0 });
		expect(uptime.body.uptime_seconds).toBeGreaterThanOrEqual(7200);
		expect(uptime.body.formatted).toMatch(/^2h 00m/);
	});
});

describe('start-up and errors', () => {
	it.each([
		['HOURLY_RATE', 'abc'],
		['CURRENCY', 'xyz'],
		['PORT', '99999']
	])('%s=%s exits non-zero naming the variable', async (name, value) => {
		const { code, output } = await startExpectingFailure({ [name]: value });
		expect(code).not.toBe(0);
		expect(output).toContain(name);
		expect(output.trim().split('\n').length).toBeLessThanOrEqual(3);
	});

	it('answers an unknown server with 404 and a machine code, through the typed client', async () => {
		const server = await start({});
		const response = await fetch(`${server.url}/api/trpc/billingStatus?input=${encodeURIComponent(JSON.stringify({ serverId: 'nope' }))}`);
		expect(response.status).toBe(404);
		const body = await response.json();
		expect(body.error.data).toMatchObject({ code: 'NOT_FOUND', errorCode: 'SERVER_NOT_FOUND', httpStatus: 404 });
		expect(JSON.stringify(body)).not.toContain('stack');
		await expect(createBillingClient(server.url).billingStatus.query({ serverId: 'nope' })).rejects.toMatchObject({
			data: { errorCode: 'SERVER_NOT_FOUND' }
		});
	});

	it('rejects bad input with 400 and names the field', async () => {
		const server = await start({});
		const response = await fetch(`${server.url}/api/trpc/billingStatus?input=${encodeURIComponent(JSON.stringify({ serverId: 42 }))}`);
		expect(response.status).toBe(400);
		const body = await response.json();
		expect(body.error.message).toContain('serverId');
		expect(body.error.data.errorCode).toBe('INVALID_INPUT');
	});

	it('takes a last sample on SIGTERM, so the time up to shutdown is billed after a restart', async () => {
		const databaseUrl = await freshDatabase('sqlite');
		const env = { DATABASE_URL: databaseUrl, SAMPLE_INTERVAL_SECONDS: '3600', BOOT_TIME_FILE: bootFile(new Date(Date.now() - 60_000)) };
		let server = await start(env);
		await new Promise((r) => setTimeout(r, 2100));
		const stoppedAt = Date.now();
		expect(await server.stop('SIGTERM')).toBe(0);
		// restart much later "in spirit": the new process samples at start, but the old run's
		// last sample was taken at shutdown, after the 2 s wait, not at the first start
		server = await start(env);
		const status = await createBillingClient(server.url).billingStatus.query();
		expect(Date.parse(status.periodEnd)).toBeGreaterThanOrEqual(Math.floor(stoppedAt / 1000) * 1000);
	});
});
