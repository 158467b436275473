/**
 * `npx tsx bench/customers.ts [postgres-url]`: the operator's customers and servers tables for 100 customers × 10 servers,
 * in process (createCaller), each server with a week of hourly runs and one charge per customer. Prints medians of cold
 * calls (after a write: nothing cached) and warm ones. It measures; it asserts nothing.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { App } from '../src/lib/server/app';
import { loadConfig } from '../src/lib/server/config';
import { createLogger } from '../src/lib/server/log';
import { operatorContext } from '../src/lib/server/trpc/context';
import { createCaller } from '../src/lib/server/trpc/router';

const HOUR = 3_600_000;
const CUSTOMERS = 100;
const SERVERS_EACH = 10;
/** runs per server over the last week (`RUNS=168`: a reboot every hour, the pathological case) */
const RUNS_EACH = Number(process.env.RUNS ?? 3);
const RUN_MS = Math.floor((7 * 24 * HOUR) / RUNS_EACH);
const now = Math.floor(Date.now() / HOUR) * HOUR;
const url = process.argv[2] ?? join(mkdtempSync(join(tmpdir(), 'sb-bench-customers-')), 'billing.db');
const app = await App.open(loadConfig({ DATABASE_URL: url, HOURLY_RATE: '100' }), {
	sampling: false,
	logger: createLogger(false, new Writable({ write: (_c, _e, done) => done() }))
});
const db = app.store.db;
const start = now - 7 * 24 * HOUR;
const customers = Array.from({ length: CUSTOMERS }, (_, c) => ({
	id: `c-${String(c).padStart(3, '0')}`,
	name: `Customer ${c}`,
	email: `c${c}@example.com`,
	locale: 'en',
	stripe_customer_id: null,
	tax_rate: null,
	tax_inclusive: null,
	created_at: now
}));
await db.insertInto('customers').values(customers).execute();
for (const customer of customers) {
	const servers = Array.from({ length: SERVERS_EACH }, (_, s) => ({
		id: `${customer.id}-s${s}`,
		name: `${customer.id}-s${s}`,
		is_local: 0,
		hourly_rate: null,
		stripe_customer_id: null,
		agent_token_hash: null,
		created_at: start,
		metering_start: start,
		customer_id: customer.id,
		retired_at: null
	}));
	await db.insertInto('servers').values(servers).execute();
	// evenly spaced boots over the week, each up until 10 minutes before the next
	const runs = servers.flatMap((s) =>
		Array.from({ length: RUNS_EACH }, (_, r) => ({
			server_id: s.id,
			boot_time: start + r * RUN_MS,
			last_seen_at: start + (r + 1) * RUN_MS - 10 * 60_000,
			billable_from: start + r * RUN_MS
		}))
	);
	for (let i = 0; i < runs.length; i += 500)
		await db
			.insertInto('runs')
			.values(runs.slice(i, i + 500))
			.execute();
}
const caller = createCaller(operatorContext(app, 'en'));
const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
async function time(what: string, call: () => Promise<unknown>, touch: boolean) {
	const samples: number[] = [];
	for (let i = 0; i < 5; i++) {
		// a write moves the database's version: every server's facts are read again (as after a heartbeat)
		if (touch)
			await db
				.updateTable('settings')
				.set({ value: String(i) })
				.where('key', '=', 'bench')
				.execute();
		const t = performance.now();
		await call();
		samples.push(performance.now() - t);
	}
	console.log(`${what}${touch ? ' (cold)' : ' (warm)'}: median ${median(samples).toFixed(1)} ms of 5`);
}
await db.insertInto('settings').values({ key: 'bench', value: '0' }).execute();
const kind = url.startsWith('postgres') ? 'PostgreSQL' : 'SQLite';
console.log(`${kind}: ${CUSTOMERS} customers × ${SERVERS_EACH} servers, ${RUNS_EACH} runs each`);
for (const touch of [true, false]) {
	await time('customers({ limit: 100 })', () => caller.customers({ limit: 100 }), touch);
	await time('customerStatus (10 servers)', () => caller.customerStatus({ customerId: 'c-050' }), touch);
	await time('serverTable name, page of 50', () => caller.serverTable({ sort: 'name' }), touch);
	await time('serverTable uptime, page of 50', () => caller.serverTable({ sort: 'uptime', direction: 'desc' }), touch);
	await time('serverTable unbilled (prices all 1,000)', () => caller.serverTable({ sort: 'unbilled', direction: 'desc' }), touch);
	await time('serverTable search "s9"', () => caller.serverTable({ search: 's9' }), touch);
}
await app.stop();
