import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBillingClient, type BillingClient } from '../../src/lib/client';
import { bootFile, startBilling, type BillingSetup } from '../support/billing';
import { freePort } from '../support/ports';

const run = promisify(execFile);
const BIN = resolve(import.meta.dirname, '../../bin/server-billing.mjs');
const ADMIN_TOKEN = 'cli-admin-token-0123456789';
const HAS_USAGE = existsSync(resolve(import.meta.dirname, '../../src/lib/server/trpc/routers/usage.ts'));

let setup: BillingSetup;
let admin: BillingClient;
beforeAll(async () => {
	setup = await startBilling('sqlite', { ADMIN_TOKEN, SERVER_NAME: 'web-1', BOOT_TIME_FILE: bootFile(3 * 3600 + 60) });
	admin = createBillingClient(setup.server.url, { token: ADMIN_TOKEN });
});
afterAll(() => setup?.close());

/**
 * Runs the CLI as an operator would on another machine: from an empty folder, with no .env,
 * no SERVER_NAME and no DATABASE_URL, only the server's URL and token.
 */
async function cli(args: string[], env: Record<string, string> = {}) {
	const cwd = mkdtempSync(join(tmpdir(), 'sb-cli-'));
	const fullEnv = {
		PATH: process.env.PATH ?? '',
		HOME: cwd,
		TZ: 'UTC',
		SERVER_BILLING_URL: setup.server.url,
		SERVER_BILLING_TOKEN: ADMIN_TOKEN,
		...env
	};
	try {
		const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { cwd, env: fullEnv });
		return { code: 0, stdout, stderr, files: readdirSync(cwd) };
	} catch (error) {
		const e = error as { code: number; stdout: string; stderr: string };
		return { code: e.code, stdout: e.stdout, stderr: e.stderr, files: readdirSync(cwd) };
	}
}

/** What the database holds that a command could change: the servers (names, rates) and every charge. */
async function ledger() {
	const servers = (await admin.servers.query()).map(({ id, name, hourlyRate, isLocal }) => ({ id, name, hourlyRate, isLocal }));
	const charges = (await admin.charges.query({ limit: 100 })).items.map(({ id, status, amountMinor, periodStart, periodEnd }) => ({
		id,
		status,
		amountMinor,
		periodStart,
		periodEnd
	}));
	return { servers, charges };
}

const oneLine = (text: string) => text.trim().split('\n').length === 1;

describe('server-billing CLI, through the API', () => {
	it('prints uptime, rate and amount like the prototype, from another folder, and changes nothing', async () => {
		const before = await ledger();
		const { code, stdout, files } = await cli(['status']);
		expect(code).toBe(0);
		expect(stdout).toMatch(/^Server\s+web-1 \(local\)$/m);
		expect(stdout).toMatch(/^Uptime\s+3h 0[01]m \d\ds$/m);
		expect(stdout).toMatch(/^Hourly rate\s+¥100\/h$/m);
		expect(stdout).toMatch(/^Amount due\s+¥30\d$/m);
		expect(stdout).toMatch(/^Booted\s+\w{3} \d+, \d{4}, \d\d:\d\d UTC$/m);
		expect(stdout).not.toMatch(/minor units|\d{4}-\d\d-\d\dT/);
		// nothing written where it ran (the old CLI created ./data/billing.db), nothing renamed
		expect(files).toEqual([]);
		expect(await ledger()).toEqual(before);
		expect(before.servers[0]?.name).toBe('web-1');

		const ja = await cli(['status', '--lang', 'ja', '--tz', 'Asia/Tokyo']);
		expect(ja.stdout).toMatch(/^サーバー\s+web-1 \(local\)$/m);
		expect(ja.stdout).toMatch(/^稼働時間\s+3時間[01]分\d+秒$/m);
		expect(ja.stdout).toMatch(/^時間単価\s+￥100\/時$/m);
		expect(ja.stdout).toMatch(/^未請求額\s+￥30\d$/m);
		expect(ja.stdout).toMatch(/^起動時刻\s+\d{4}年\d+月\d+日 \d\d:\d\d JST$/m);

		const json = JSON.parse((await cli(['status', '--json'])).stdout);
		expect(json).toMatchObject({ serverName: 'web-1', currency: 'jpy', serverId: 'local' });
		expect(json.amountMinor).toBeGreaterThanOrEqual(300);
		expect(await ledger()).toEqual(before);
	});

	it('charges and invoices through Stripe with local times and formatted money; refusals are one line', async () => {
		const before = await ledger();
		const charge = await cli(['charge']);
		expect(charge.code).toBe(0);
		const id = charge.stdout.match(/Payment Intent (pi_\w+) for ¥30\d \(\w{3} \d+, \d{4}, \d\d:\d\d UTC → .* UTC\), Pending\./)?.[1];
		expect(setup.double.get(id!)).toMatchObject({ currency: 'jpy' });
		expect(charge.stdout).not.toContain('_secret_');
		const after = await ledger();
		expect(after.servers).toEqual(before.servers);
		expect(after.charges).toHaveLength(before.charges.length + 1);

		const blocked = await cli(['invoice', '--lang', 'ja']);
		expect(blocked.code).toBe(1);
		expect(blocked.stderr).toMatch(/^Error: .*\[CHARGE_PENDING\]\n$/);
		expect(oneLine(blocked.stderr)).toBe(true);
		expect(await ledger()).toEqual(after);

		await admin.cancelCharge.mutate({ chargeId: after.charges[0]!.id });
		const invoice = await cli(['invoice', '--lang', 'ja', '--tz', 'Asia/Tokyo']);
		expect(invoice.code).toBe(0);
		expect(invoice.stdout).toMatch(/^請求 #\d+: 請求書 in_\w+、￥30\d\uff08\d{4}年.* JST → .* JST\uff09、支払い待ち。$/m);
		expect(invoice.stdout).toMatch(/^https?:\/\//m);
	});

	it('adds and lists servers; a bad option, a missing token or a wrong URL is one clear line', async () => {
		const before = await ledger();
		const bad = await cli(['add-server', '--id', 'web-2', '--name', 'Web 2', '--rate', 'abc']);
		expect(bad.code).toBe(1);
		expect(bad.stderr).toMatch(/^Error: --rate "abc": must be a decimal number/);
		expect(oneLine(bad.stderr)).toBe(true);
		expect(await ledger()).toEqual(before);

		const added = await cli(['add-server', '--id', 'web-2', '--name', 'Web 2', '--rate', '120']);
		expect(added.code).toBe(0);
		expect(added.stdout).toMatch(/^sba_[\w-]{40,}$/m);
		expect(added.stdout).toContain(`curl -o server-billing-agent.mjs ${setup.server.url}/agent.mjs`);
		const list = await cli(['servers']);
		expect(list.stdout).toMatch(/^local\s+web-1\s+default\s+this machine\s+\w{3} \d+, \d{4}, \d\d:\d\d UTC\s+3h 0\dm \d\ds$/m);
		expect(list.stdout).toMatch(/^web-2\s+Web 2\s+¥120\/h\s+offline\s+—\s+—$/m);
		expect((await cli(['servers', '--lang', 'ja'])).stdout).toMatch(/^web-2\s+Web 2\s+￥120\/時\s+オフライン/m);
		expect(JSON.parse((await cli(['servers', '--json'])).stdout)).toHaveLength(2);

		const noToken = await cli(['status'], { SERVER_BILLING_TOKEN: '' });
		expect(noToken.code).toBe(1);
		expect(noToken.stderr).toBe(`Error: The server at ${setup.server.url} needs --token <ADMIN_TOKEN> (or SERVER_BILLING_TOKEN)\n`);
		const wrongToken = await cli(['status', '--token', 'not-the-token-0000000']);
		expect(wrongToken.stderr).toContain('refused the token');

		const nowhere = `http://127.0.0.1:${await freePort()}`;
		const down = await cli(['servers', '--url', nowhere]);
		expect(down.code).toBe(1);
		expect(down.stderr).toBe(`Error: Cannot reach the billing server at ${nowhere} (ECONNREFUSED): pass --url or set SERVER_BILLING_URL\n`);

		for (const args of [['status', '--lang', 'fr'], ['status', '--bogus'], ['frobnicate'], ['add-server', '--id', 'x']]) {
			const mistake = await cli(args);
			expect(mistake.code, args.join(' ')).toBe(2);
			expect(mistake.stderr, args.join(' ')).toMatch(/^Error: .+ \(see server-billing --help\)\n$/);
		}
		expect((await ledger()).servers).toHaveLength(2);
	});

	// `usage` and GET /export/*.csv come from issue 9's insight work (another branch): these run once it is in the tree
	it.skipIf(!HAS_USAGE)('usage prints buckets with local times, hours and estimated amounts; --json is the API answer', async () => {
		const before = await ledger();
		const from = new Date(Date.now() - 2 * 86_400_000).toISOString();
		// before the last sample (every 30 s): later samples cannot change the range between the two reads
		const to = new Date(Date.now() - 40_000).toISOString();
		const json = JSON.parse((await cli(['usage', '--from', from, '--to', to, '--bucket', 'day', '--json'])).stdout);
		const api = await (admin as unknown as { usage: { query(input: object): Promise<unknown> } }).usage.query({ from, to, bucket: 'day' });
		expect(json).toMatchObject({ totalSeconds: (api as { totalSeconds: number }).totalSeconds, buckets: expect.any(Array) });
		expect(json.totalSeconds).toBeGreaterThanOrEqual(3 * 3600);

		const text = await cli(['usage', '--from', from, '--to', to, '--bucket', 'day']);
		expect(text.code).toBe(0);
		expect(text.stdout).toMatch(/^From\s+Time\s+Amount \(estimate\)$/m);
		expect(text.stdout).toMatch(/^\w{3} \d+, \d{4}, \d\d:\d\d UTC\s+\d+h \d\dm \d\ds\s+¥\d+$/m);
		expect(text.stdout).toMatch(/^Total\s+[3-9]h \d\dm \d\ds\s+¥[3-9]\d\d$/m);
		const ja = await cli(['usage', '--from', from, '--to', to, '--bucket', 'day', '--lang', 'ja']);
		expect(ja.stdout).toMatch(/^合計\s+\d+時間\d+分\d+秒\s+￥\d+$/m);
		const bad = await cli(['usage', '--bucket', 'week']);
		expect(bad.code).toBe(2);
		expect(bad.stderr).toBe('Error: --bucket: "week" must be hour, day or month (see server-billing --help)\n');
		expect(await ledger()).toEqual(before);
	});

	it.skipIf(!HAS_USAGE)("export charges|usage streams the server's CSV to stdout or --out", async () => {
		const before = await ledger();
		const charges = await cli(['export', 'charges']);
		expect(charges.code).toBe(0);
		const lines = charges.stdout.trim().split(/\r?\n/);
		expect(lines[0]).toMatch(/^id,server,kind,status,/);
		expect(lines).toHaveLength(before.charges.length + 1);

		const usage = await cli(['export', 'usage', '--bucket', 'hour', '--out', 'usage.csv']);
		expect(usage.code).toBe(0);
		expect(usage.files).toEqual(['usage.csv']);
		expect((await cli(['export', 'nothing'])).stderr).toMatch(/^Error: export: "nothing" must be usage or charges/);
		expect((await cli(['export', 'charges'], { SERVER_BILLING_TOKEN: '' })).stderr).toContain('needs --token');
		expect(await ledger()).toEqual(before);
	});
});
