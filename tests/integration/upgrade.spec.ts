import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, type Migration } from 'kysely';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/lib/server/db';
import { migrations } from '../../src/lib/server/db/migrations';
import { billedSoFar, openCharge } from '../../src/lib/server/billing/ledger';
import { DATABASES, freshDatabase, type DatabaseKind } from '../support/databases';

/**
 * An installation from before customers, upgraded: its charges (open and paid, per server)
 * keep their windows and chain states, its servers and charges belong to the default
 * customer, and billing goes on exactly where it stopped.
 */
const BEFORE_CUSTOMERS = '2026-11-30-002-invoice-pdf';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;
const opened: { destroy(): Promise<void> }[] = [];
afterEach(async () => {
	await Promise.all(opened.splice(0).map((db) => db.destroy()));
});

function connect(kind: DatabaseKind, url: string): AnyDb {
	const db =
		kind === 'postgres'
			? new Kysely({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 2 }) }) })
			: new Kysely({ dialect: new SqliteDialect({ database: new SQLite(url) }) });
	opened.push(db);
	return db;
}

async function migrateTo(db: AnyDb, kind: DatabaseKind, target: string) {
	const all = migrations(kind);
	const migrator = new Migrator({ db, provider: { getMigrations: async (): Promise<Record<string, Migration>> => all } });
	const { error } = await migrator.migrateTo(target);
	if (error) throw error;
}

/** Ids come from the database (an identity on PostgreSQL): charges are inserted in id order. */
const charge = (id: number, serverId: string, status: string, start: number, end: number, amount: number, frontier: number | null) => ({
	server_id: serverId,
	kind: 'payment_intent',
	status,
	period_start: start,
	period_end: end,
	amount_minor: amount,
	currency: 'jpy',
	description: `charge ${id}`,
	stripe_id: `pi_${id}`,
	created_at: start,
	updated_at: end,
	frontier,
	anchor_run_id: frontier === null ? null : 1,
	anchor_start: frontier === null ? null : 0
});

describe.each(DATABASES)('upgrading a database from before customers on %s', (kind) => {
	it('keeps every charge, open or paid, with its window; servers and charges go to the default customer', async () => {
		const url = await freshDatabase(kind);
		const old = connect(kind, url);
		await migrateTo(old, kind, BEFORE_CUSTOMERS);
		for (const id of ['local', 'web-2']) {
			await old
				.insertInto('servers')
				.values({ id, name: id, is_local: id === 'local' ? 1 : 0, created_at: 0, metering_start: 0 })
				.execute();
		}
		await old
			.insertInto('runs')
			.values([
				{ server_id: 'local', boot_time: 0, last_seen_at: 7200_000, billable_from: 0 },
				{ server_id: 'web-2', boot_time: 0, last_seen_at: 7200_000, billable_from: 0 }
			])
			.execute();
		await old
			.insertInto('charges')
			.values([
				charge(1, 'local', 'succeeded', 0, 3600_000, 100, 3600_000),
				charge(2, 'local', 'pending', 3600_000, 5400_000, 50, 5400_000),
				charge(3, 'web-2', 'succeeded', 0, 1800_000, 50, null)
			])
			.execute();
		await old
			.insertInto('charge_items')
			.values({
				charge_id: 1,
				server_id: 'local',
				month: '1970-01',
				rate: '100',
				period_start: 0,
				period_end: 3600_000,
				run_count: 1,
				billable_seconds: 3600,
				amount_minor: 100,
				description: 'line'
			})
			.execute();
		await old.destroy();
		opened.pop();

		const store: Store = await openStore(kind === 'postgres' ? { kind, url } : { kind, path: url });
		opened.push({ destroy: () => store.close() });
		const rows = await store.db
			.selectFrom('charges')
			.select(['id', 'server_id', 'customer_id', 'status', 'net_minor', 'tax_minor', 'amount_minor'])
			.orderBy('id')
			.execute();
		expect(
			rows.map((r) => ({
				...r,
				id: Number(r.id),
				net_minor: Number(r.net_minor),
				amount_minor: Number(r.amount_minor),
				tax_minor: Number(r.tax_minor)
			}))
		).toEqual([
			{ id: 1, server_id: 'local', customer_id: 'default', status: 'succeeded', net_minor: 100, tax_minor: 0, amount_minor: 100 },
			{ id: 2, server_id: 'local', customer_id: 'default', status: 'pending', net_minor: 50, tax_minor: 0, amount_minor: 50 },
			{ id: 3, server_id: 'web-2', customer_id: 'default', status: 'succeeded', net_minor: 50, tax_minor: 0, amount_minor: 50 }
		]);
		const servers = await store.db.selectFrom('servers').select(['id', 'customer_id']).orderBy('id').execute();
		expect(servers).toEqual([
			{ id: 'local', customer_id: 'default' },
			{ id: 'web-2', customer_id: 'default' }
		]);
		// billing continues where each server stopped: the pending charge holds local's window
		expect(await billedSoFar(store, 'local')).toEqual({
			periodEnd: 5400_000,
			chargeId: 2,
			state: { runId: 1, runStart: 0, frontier: 5400_000 }
		});
		expect(await billedSoFar(store, 'web-2')).toEqual({
			periodEnd: 1800_000,
			chargeId: 3,
			state: { runId: null, runStart: 1800_000, frontier: 1800_000 }
		});
		expect(Number((await openCharge(store, 'local'))?.id)).toBe(2);
		expect(await openCharge(store, 'web-2')).toBeUndefined();
		// the schema still refuses a second open charge for the server
		await expect(
			store.db
				.insertInto('charges')
				.values({ ...charge(4, 'local', 'creating', 5400_000, 6000_000, 10, null), stripe_id: null, customer_id: 'default' } as never)
				.execute()
		).rejects.toThrow();
		// and the charges table kept its checks (a period must not end before it starts)
		await expect(
			store.db
				.insertInto('charges')
				.values({ ...charge(5, 'web-2', 'failed', 10, 5, 10, null), stripe_id: null, customer_id: 'default' } as never)
				.execute()
		).rejects.toThrow();
	});
});
