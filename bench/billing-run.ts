import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { App } from '../src/lib/server/app';
import { loadConfig } from '../src/lib/server/config';
import { openStore } from '../src/lib/server/db';
import { runBillingTick, type TickReport } from '../src/lib/server/payments/schedule';
import type { Store } from '../src/lib/server/db';
import { addServer } from '../src/lib/server/metering/fleet';
import { createLogger } from '../src/lib/server/log';

const ROOT = resolve(import.meta.dirname, '..');
const SECRET_KEY = 'sk_test_51BenchSecretKeyForTheDouble';
/** The double limits as Stripe does in test mode; the app paces at its test-mode default (STRIPE_MAX_RPS 20). */
const DOUBLE_RATE_LIMIT = 25;

export interface BillingRunFigures {
	servers: number;
	/** customers of SERVERS_PER_CUSTOMER servers each, plus this machine's default customer; one invoice each */
	customers: number;
	/** CPU time of this process (the app and its Stripe SDK), s */
	appCpuSeconds: number;
	/** wall time, Stripe test double included, s */
	wallSeconds: number;
	/** HTTP requests sent to Stripe, 429 resends included */
	stripeCalls: number;
	/** requests the double refused with 429 */
	rateLimited: number;
	maxRps: number;
	report: TickReport;
}

/**
 * One scheduled billing tick (runBillingTick, what BILLING_SCHEDULE runs) over `size` remote
 * servers with one unbilled run each, in this process, against the Stripe test double in
 * another, which limits requests as Stripe does in test mode (429 beyond 25/s). Stripe's
 * latency is the double's; the app's own cost is this process's CPU time.
 */
export async function billingRunFigures(size: number): Promise<BillingRunFigures> {
	const double = spawn(
		process.execPath,
		[
			'--import',
			'tsx',
			join(ROOT, 'tests/support/stripe-double-cli.ts'),
			'--secret-key',
			SECRET_KEY,
			'--rate-limit',
			String(DOUBLE_RATE_LIMIT)
		],
		{ stdio: ['ignore', 'pipe', 'inherit'], cwd: ROOT }
	);
	try {
		const url = await new Promise<string>((res, rej) => {
			createInterface({ input: double.stdout! }).on('line', (line) => line.includes('listening on') && res(line.split(' ').at(-1)!));
			double.once('exit', (code) => rej(new Error(`Stripe double exited with ${code}`)));
		});
		const dir = mkdtempSync(join(tmpdir(), 'sb-bench-billing-'));
		const config = loadConfig({
			DATABASE_URL: join(dir, 'billing.db'),
			SERVER_NAME: 'bench',
			STRIPE_SECRET_KEY: SECRET_KEY,
			STRIPE_API_BASE: url,
			CUSTOMER_EMAIL: 'ops@example.com'
		});
		const now = Math.floor(Date.now() / 1000) * 1000;
		const store = await openStore(config.database);
		await seedBillableFleet(store, size, now);
		await store.close();
		writeFileSync(join(dir, 'boot'), String(now - 3600_000));
		const app = await App.open(config, { uptime: { bootTime: () => now - 3600_000 }, sampling: false, logger: progressLogger() });
		try {
			const cpu = process.cpuUsage();
			const started = performance.now();
			const report = await runBillingTick(app, now);
			const wallSeconds = (performance.now() - started) / 1000;
			const used = process.cpuUsage(cpu);
			const { sent: stripeCalls, rateLimited, maxRps } = app.stripePacer;
			const servers = size + 1;
			const appCpuSeconds = (used.user + used.system) / 1e6;
			const customers = Math.ceil(size / SERVERS_PER_CUSTOMER) + 1;
			return { servers, customers, appCpuSeconds, wallSeconds, stripeCalls, rateLimited, maxRps, report };
		} finally {
			await app.stop();
		}
	} finally {
		double.kill('SIGTERM');
	}
}

/** The bench's line: `billing run for N servers in N customers: N Stripe calls (N per customer), N s app CPU, N s wall at N requests/s`. */
export function billingRunLine(figures: BillingRunFigures, fmt: (n: number, digits?: number) => string): string {
	const { servers, customers, stripeCalls, appCpuSeconds, wallSeconds } = figures;
	return (
		`billing run for ${fmt(servers)} servers in ${fmt(customers)} customers: ${fmt(stripeCalls)} Stripe calls ` +
		`(${fmt(stripeCalls / customers, 1)} per customer), ${fmt(appCpuSeconds, 1)} s app CPU, ${fmt(wallSeconds, 1)} s wall ` +
		`at ${fmt(stripeCalls / wallSeconds, 1)} requests/s`
	);
}

/** Servers per customer in the bench's fleet (an operator renting a handful to each). */
const SERVERS_PER_CUSTOMER = 10;

/**
 * `size` remote servers in customers of SERVERS_PER_CUSTOMER (each with an email: its Stripe
 * customer is made in the run), each server metered from its boot two hours ago and last seen
 * a minute ago: one unbilled run each.
 */
async function seedBillableFleet(store: Store, size: number, now: number): Promise<void> {
	const boot = now - 2 * 3600_000;
	const customers = Math.ceil(size / SERVERS_PER_CUSTOMER);
	for (let c = 0; c < customers; c += 500) {
		await store.db
			.insertInto('customers')
			.values(
				Array.from({ length: Math.min(500, customers - c) }, (_, k) => ({
					id: `cust-${String(c + k).padStart(4, '0')}`,
					name: `Customer ${c + k}`,
					email: `billing-${c + k}@example.com`,
					created_at: boot
				}))
			)
			.execute();
	}
	for (let i = 0; i < size; i++) {
		const id = `bill-${String(i).padStart(5, '0')}`;
		await addServer(store, { id, name: `billed ${i}`, meteringStart: boot }, boot);
		await store.db
			.updateTable('servers')
			.set({ customer_id: `cust-${String(Math.floor(i / SERVERS_PER_CUSTOMER)).padStart(4, '0')}` })
			.where('id', '=', id)
			.execute();
	}
	for (let i = 0; i < size; i += 500) {
		const ids = Array.from({ length: Math.min(500, size - i) }, (_, k) => `bill-${String(i + k).padStart(5, '0')}`);
		await store.db
			.insertInto('runs')
			.values(ids.map((id) => ({ server_id: id, boot_time: boot, last_seen_at: now - 60_000, billable_from: boot })))
			.execute();
	}
}

/** The run's own progress lines go to stderr (the bench's figures are on stdout); everything else is dropped. */
function progressLogger() {
	return createLogger(
		false,
		new Writable({
			write(chunk, _encoding, done) {
				if (String(chunk).includes('billing run progress')) process.stderr.write(chunk);
				done();
			}
		})
	);
}
