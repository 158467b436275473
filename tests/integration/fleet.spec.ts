import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runAgent } from '../../src/cli/agent';
import { createBillingClient } from '../../src/lib/client';
import { bootFile, startBilling, type BillingSetup } from '../support/billing';
import { DATABASES } from '../support/databases';
import { freePort } from '../support/ports';
import { startServer, type TestServer } from '../support/server';

const ADMIN_TOKEN = 'fleet-admin-token-0123456789';
const yenAt100 = (seconds: number) => Math.floor((seconds * 100 * 2 + 3600) / 7200);
const iso = (ms: number) => new Date(ms).toISOString();

let server: TestServer | undefined;
let setup: BillingSetup | undefined;
afterEach(async () => {
	await server?.kill();
	await setup?.close();
	server = undefined;
	setup = undefined;
});

describe.each(DATABASES)('remote servers on %s', (kind) => {
	it('meters a remote server from batched heartbeats and prices it like the local one', async () => {
		setup = await startBilling(kind, { ADMIN_TOKEN });
		const admin = createBillingClient(setup.server.url, { token: ADMIN_TOKEN });
		const boot = Math.floor(Date.now() / 1000) * 1000 - 4 * 3600_000;
		// billed from its boot, on purpose: by default a server bills from when it was registered
		const { token } = await admin.addServer.mutate({ id: 'web-2', name: 'Web 2', meteringStart: iso(boot) });
		expect(token).toMatch(/^sba_[\w-]{40,}$/);
		const agent = createBillingClient(setup.server.url, { token });
		// a batch, out of order, with a replay: only the latest sighting counts
		const beats = [boot + 3600_000, boot + 7200_000, boot + 1800_000, boot + 7200_000].map((seen) => ({
			bootTime: iso(boot),
			seenAt: iso(seen)
		}));
		expect(await agent.heartbeat.mutate({ beats })).toEqual({ accepted: 4, samples: 1 });
		const status = await admin.billingStatus.query({ serverId: 'web-2' });
		expect(status).toMatchObject({
			serverName: 'Web 2',
			billableSeconds: 7200,
			amountMinor: yenAt100(7200),
			uptimeSeconds: 7200,
			periodStart: iso(boot)
		});
		// a reboot: the old run ends at its last beat, the new one adds its own time
		await agent.heartbeat.mutate({ beats: [{ bootTime: iso(boot + 3 * 3600_000), seenAt: iso(boot + 3 * 3600_000 + 600_000) }] });
		const after = await admin.billingStatus.query({ serverId: 'web-2' });
		expect(after.billableSeconds).toBe(7200 + 600);
		expect(after.amountMinor).toBe(yenAt100(7200) + yenAt100(600));
		// and it is billed through Stripe like any server, with its own id in the metadata
		const intent = await admin.createPaymentIntent.mutate({ serverId: 'web-2' });
		expect(intent.amountMinor).toBe(after.amountMinor);
		expect(setup.double.get(intent.paymentIntentId).metadata.server_id).toBe('web-2');
		const fleet = await admin.servers.query();
		expect(fleet.map((s) => [s.id, s.isLocal])).toEqual([
			['local', true],
			['web-2', false]
		]);
	});

	it('keeps agents to their own server and their own procedure', async () => {
		setup = await startBilling(kind, { ADMIN_TOKEN });
		const admin = createBillingClient(setup.server.url, { token: ADMIN_TOKEN });
		const { token } = await admin.addServer.mutate({ id: 'web-2', name: 'Web 2' });
		await admin.addServer.mutate({ id: 'web-3', name: 'Web 3' });
		const agent = createBillingClient(setup.server.url, { token });
		const now = Date.now();
		await expect(agent.heartbeat.mutate({ beats: [{ serverId: 'web-3', bootTime: iso(now - 60_000) }] })).rejects.toMatchObject({
			data: { httpStatus: 403 }
		});
		await expect(agent.billingStatus.query({ serverId: 'web-2' })).rejects.toMatchObject({
			data: { httpStatus: 403, errorCode: 'FORBIDDEN' }
		});
		await expect(agent.createPaymentIntent.mutate({ serverId: 'web-2' })).rejects.toMatchObject({ data: { httpStatus: 403 } });
		await expect(agent.heartbeat.mutate({ beats: [{ bootTime: iso(now - 60_000), seenAt: iso(now + 3600_000) }] })).rejects.toMatchObject({
			data: { errorCode: 'CLOCK_SKEW', httpStatus: 400 }
		});
		await expect(admin.addServer.mutate({ id: 'web-2', name: 'Again' })).rejects.toMatchObject({
			data: { errorCode: 'SERVER_EXISTS', httpStatus: 409 }
		});
		await expect(admin.heartbeat.mutate({ beats: [{ serverId: 'nope', bootTime: iso(now - 60_000) }] })).rejects.toMatchObject({
			data: { httpStatus: 404 }
		});
		// a rotated token stops the old one at once
		const rotated = await admin.rotateAgentToken.mutate({ serverId: 'web-2' });
		await expect(agent.heartbeat.mutate({ beats: [{ bootTime: iso(now - 60_000) }] })).rejects.toMatchObject({ data: { httpStatus: 401 } });
		const fresh = createBillingClient(setup.server.url, { token: rotated.token });
		expect((await fresh.heartbeat.mutate({ beats: [{ bootTime: iso(now - 60_000) }] })).samples).toBe(1);
	});
});

describe('the agent', () => {
	it('reports through the typed client, buffers while the server is down, and catches up', async () => {
		const port = await freePort();
		const url = `http://127.0.0.1:${port}`;
		const lines: string[] = [];
		const boot = bootFile(3600);
		const databaseUrl = resolve(bootFile(0), '..', 'billing.db');
		// the server is not there yet: beats are kept
		const bootstrap = await startServer({ DATABASE_URL: databaseUrl, ADMIN_TOKEN });
		const { token } = await createBillingClient(bootstrap.url, { token: ADMIN_TOKEN }).addServer.mutate({
			id: 'edge-1',
			name: 'Edge 1',
			meteringStart: iso(Date.now() - 2 * 3600_000)
		});
		await bootstrap.stop();
		const agent = runAgent({ url, token, intervalSeconds: 1, bootTimeFile: boot, log: (line) => lines.push(line) });
		await new Promise((r) => setTimeout(r, 1500));
		expect(lines.some((l) => l.startsWith('heartbeat failed, will retry (1 kept)'))).toBe(true);
		server = await startServer({ DATABASE_URL: databaseUrl, ADMIN_TOKEN, PORT: String(port) });
		await new Promise((r) => setTimeout(r, 1500));
		await agent.stop();
		expect(lines.some((l) => l.startsWith('heartbeat: 1 sent'))).toBe(true);
		const status = await createBillingClient(server.url, { token: ADMIN_TOKEN }).billingStatus.query({ serverId: 'edge-1' });
		expect(status.uptimeSeconds).toBeGreaterThanOrEqual(3600);
		expect(status.billableSeconds).toBeGreaterThanOrEqual(3600);
		const fleet = await createBillingClient(server.url, { token: ADMIN_TOKEN }).servers.query();
		expect(fleet.find((s) => s.id === 'edge-1')?.online).toBe(true);
	});

	it('runs as `server-billing agent` and sends a last heartbeat on SIGTERM', async () => {
		server = await startServer({ ADMIN_TOKEN });
		const { token } = await createBillingClient(server.url, { token: ADMIN_TOKEN }).addServer.mutate({
			id: 'edge-2',
			name: 'Edge 2',
			meteringStart: iso(Date.now() - 3600_000)
		});
		const boot = bootFile(600);
		const child = spawn(
			process.execPath,
			[resolve(import.meta.dirname, '../../bin/server-billing.mjs'), 'agent', '--url', server.url, '--token', token, '--interval', '60'],
			{
				env: { PATH: process.env.PATH, BOOT_TIME_FILE: boot }
			}
		);
		let output = '';
		child.stdout.on('data', (d) => (output += d));
		// the first beat goes out at start (tsx compiles the CLI first: allow for a slow machine)
		for (let waited = 0; !output.includes('heartbeat: 1 sent') && waited < 30_000; waited += 100)
			await new Promise((r) => setTimeout(r, 100));
		writeFileSync(boot, String(Date.now() - 600_000)); // unchanged boot: same run
		child.kill('SIGTERM');
		expect(await new Promise((r) => child.on('close', r))).toBe(0);
		expect(output.match(/heartbeat: 1 sent/g)?.length).toBe(2);
		const status = await createBillingClient(server.url, { token: ADMIN_TOKEN }).billingStatus.query({ serverId: 'edge-2' });
		expect(status.billableSeconds).toBeGreaterThanOrEqual(600);
	});
});
