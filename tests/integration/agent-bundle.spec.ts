import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createBillingClient } from '../../src/lib/client';
import { bootFile } from '../support/billing';
import { freshDatabase } from '../support/databases';
import { freePort } from '../support/ports';
import { startServer, type TestServer } from '../support/server';
import { until } from '../support/until';

const ADMIN_TOKEN = 'agent-admin-token-0123456789';

let server: TestServer | undefined;
let agent: ChildProcess | undefined;
afterEach(async () => {
	agent?.kill('SIGKILL');
	await server?.kill();
	server = agent = undefined;
});

/** Downloads /agent.mjs as the README says, into a folder with no node_modules anywhere above it. */
async function download(url: string): Promise<string> {
	const response = await fetch(`${url}/agent.mjs`);
	expect(response.status).toBe(200);
	expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
	const source = await response.text();
	expect(source).not.toContain(ADMIN_TOKEN);
	// only node: built-ins may be imported: the other machine has nothing installed
	expect([...source.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]).filter((s) => !s?.startsWith('node:'))).toEqual([]);
	const again = await fetch(`${url}/agent.mjs`, { headers: { 'if-none-match': response.headers.get('etag')! } });
	expect(again.status).toBe(304);
	const path = join(mkdtempSync(join(tmpdir(), 'sb-agent-')), 'server-billing-agent.mjs');
	writeFileSync(path, source);
	return path;
}

/** Runs the downloaded file with plain `node`, from its own folder, with nothing but PATH. */
function runAgent(path: string, url: string, token: string) {
	const child = spawn(process.execPath, [path, '--url', url, '--token', token, '--interval', '1'], {
		cwd: join(path, '..'),
		env: { PATH: process.env.PATH ?? '' },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let output = '';
	child.stdout!.on('data', (d) => (output += d));
	child.stderr!.on('data', (d) => (output += d));
	const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
	return { child, output: () => output, exited };
}

describe('the bundled agent at /agent.mjs', () => {
	it('is served publicly, runs with plain node from a temp folder, and its beats arrive', async () => {
		server = await startServer({ ADMIN_TOKEN, BOOT_TIME_FILE: bootFile(3600) });
		const admin = createBillingClient(server.url, { token: ADMIN_TOKEN });
		const { token } = await admin.addServer.mutate({ id: 'web-2', name: 'Web 2' });
		const path = await download(server.url);

		const running = runAgent(path, server.url, token);
		agent = running.child;
		const seen = async () => (await admin.servers.query()).find((s) => s.id === 'web-2');
		await until(async () => Boolean((await seen())?.online), 'web-2 to be seen online', 20_000);
		const web2 = await seen();
		expect(web2?.lastSeenAt).not.toBeNull();
		expect(Date.now() - Date.parse(web2!.bootTime!)).toBeGreaterThan(0);
		expect((await admin.billingStatus.query({ serverId: 'web-2' })).serverName).toBe('Web 2');
		expect(running.output()).toMatch(/^heartbeat: 1 sent, up since \d{4}-/m);

		// SIGTERM: one last heartbeat, then a clean exit
		running.child.kill('SIGTERM');
		expect(await running.exited).toBe(0);
	});

	it('keeps its beats while the billing server is down and delivers them when it is back', async () => {
		const port = await freePort();
		const env = { ADMIN_TOKEN, PORT: String(port), DATABASE_URL: await freshDatabase('sqlite'), BOOT_TIME_FILE: bootFile(3600) };
		server = await startServer(env);
		const admin = createBillingClient(server.url, { token: ADMIN_TOKEN });
		const { token } = await admin.addServer.mutate({ id: 'web-2', name: 'Web 2' });
		const path = await download(server.url);
		const url = server.url;
		await server.stop();

		const running = runAgent(path, url, token);
		agent = running.child;
		await until(
			() => /heartbeat failed, will retry \(1 kept\): fetch failed \(http:\/\/127\.0\.0\.1:\d+\)/.test(running.output()),
			'the agent to keep a failed beat',
			20_000
		);
		server = await startServer(env);
		await until(() => /heartbeat: 1 sent/.test(running.output()), 'the kept beat to be delivered', 20_000);
		const web2 = (await admin.servers.query()).find((s) => s.id === 'web-2');
		expect(web2?.online).toBe(true);
	});
});
