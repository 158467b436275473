import { randomBytes } from 'node:crypto';
import { sql, type Kysely, type Migration } from 'kysely';

// migrations run against whatever schema the database has at that step, not today's DB type (Kysely's advice)
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDatabase = Kysely<any>;

/**
 * One set of migrations for SQLite and PostgreSQL. Only the id column differs
 * (INTEGER PRIMARY KEY AUTOINCREMENT vs. identity); everything else is portable SQL.
 */
export function migrations(dialect: 'sqlite' | 'postgres'): Record<string, Migration> {
	const id = dialect === 'postgres' ? sql`bigint generated always as identity primary key` : sql`integer primary key autoincrement`;
	return {
		'2026-11-25-001-init': {
			async up(db: AnyDatabase) {
				await db.schema
					.createTable('servers')
					.addColumn('id', 'text', (c) => c.primaryKey())
					.addColumn('name', 'text', (c) => c.notNull())
					.addColumn('is_local', 'integer', (c) => c.notNull().defaultTo(0))
					.addColumn('hourly_rate', 'text')
					.addColumn('stripe_customer_id', 'text')
					.addColumn('agent_token_hash', 'text', (c) => c.unique())
					.addColumn('created_at', 'bigint', (c) => c.notNull())
					.execute();
				await db.schema
					.createTable('runs')
					.addColumn('id', id)
					.addColumn('server_id', 'text', (c) => c.notNull().references('servers.id'))
					.addColumn('boot_time', 'bigint', (c) => c.notNull())
					.addColumn('last_seen_at', 'bigint', (c) => c.notNull())
					.execute();
				// the open window reads runs seen after its start; the meter reads a server's latest run
				await db.schema.createIndex('runs_server_seen').on('runs').columns(['server_id', 'last_seen_at']).execute();
				await db.schema.createIndex('runs_server_boot').on('runs').columns(['server_id', 'boot_time']).unique().execute();
				await db.schema
					.createTable('charges')
					.addColumn('id', id)
					.addColumn('server_id', 'text', (c) => c.notNull().references('servers.id'))
					.addColumn('kind', 'text', (c) => c.notNull())
					.addColumn('status', 'text', (c) => c.notNull())
					.addColumn('period_start', 'bigint', (c) => c.notNull())
					.addColumn('period_end', 'bigint', (c) => c.notNull())
					.addColumn('amount_minor', 'bigint', (c) => c.notNull())
					.addColumn('currency', 'text', (c) => c.notNull())
					.addColumn('description', 'text', (c) => c.notNull())
					.addColumn('stripe_id', 'text', (c) => c.unique())
					.addColumn('client_secret', 'text')
					.addColumn('hosted_invoice_url', 'text')
					.addColumn('failure_code', 'text')
					.addColumn('failure_message', 'text')
					.addColumn('collection_method', 'text')
					.addColumn('schedule_tick', 'bigint')
					.addColumn('created_at', 'bigint', (c) => c.notNull())
					.addColumn('updated_at', 'bigint', (c) => c.notNull())
					.addCheckConstraint('charges_period', sql`period_end > period_start`)
					.addCheckConstraint('charges_amount', sql`amount_minor >= 0`)
					.execute();
				// The ledger's two guarantees live in the schema, so no code path (or second
				// instance) can break them: one open charge per server, one charge per tick.
				await sql`create unique index charges_one_open on charges (server_id) where status in ('creating', 'pending')`.execute(db);
				await db.schema.createIndex('charges_tick').on('charges').columns(['server_id', 'schedule_tick']).unique().execute();
				await db.schema.createIndex('charges_server_end').on('charges').columns(['server_id', 'period_end']).execute();
				await db.schema
					.createTable('charge_lines')
					.addColumn('id', id)
					.addColumn('charge_id', 'bigint', (c) => c.notNull().references('charges.id'))
					.addColumn('run_id', 'bigint', (c) => c.notNull().references('runs.id'))
					.addColumn('period_start', 'bigint', (c) => c.notNull())
					.addColumn('period_end', 'bigint', (c) => c.notNull())
					.addColumn('month', 'text', (c) => c.notNull())
					.addColumn('metered_seconds', 'bigint', (c) => c.notNull())
					.addColumn('billable_seconds', 'bigint', (c) => c.notNull())
					.addColumn('amount_minor', 'bigint', (c) => c.notNull())
					.addColumn('description', 'text', (c) => c.notNull())
					.execute();
				await db.schema.createIndex('charge_lines_charge').on('charge_lines').column('charge_id').execute();
				await db.schema
					.createTable('webhook_events')
					.addColumn('id', 'text', (c) => c.primaryKey())
					.addColumn('type', 'text', (c) => c.notNull())
					.addColumn('charge_id', 'bigint')
					.addColumn('received_at', 'bigint', (c) => c.notNull())
					.execute();
				await db.schema
					.createTable('sessions')
					.addColumn('id', 'text', (c) => c.primaryKey())
					.addColumn('expires_at', 'bigint', (c) => c.notNull())
					.addColumn('created_at', 'bigint', (c) => c.notNull())
					.execute();
				await db.schema
					.createTable('settings')
					.addColumn('key', 'text', (c) => c.primaryKey())
					.addColumn('value', 'text', (c) => c.notNull())
					.execute();
				await db.schema
					.createTable('billing_ticks')
					.addColumn('tick', 'bigint', (c) => c.primaryKey())
					.addColumn('started_at', 'bigint', (c) => c.notNull())
					.execute();
			}
		},
		'2026-11-26-001-history-indexes': {
			// the status page reads a server's newest settled charge: by id within the server,
			// without sorting its whole charge history
			async up(db: AnyDatabase) {
				await db.schema.createIndex('charges_server_id').on('charges').columns(['server_id', 'id']).execute();
			}
		},
		'2026-11-26-002-billing-ticks-finished': {
			// a tick whose instance died before finishing can be taken over (charges are unique per tick)
			async up(db: AnyDatabase) {
				await db.schema.alterTable('billing_ticks').addColumn('finished_at', 'bigint').execute();
			}
		},
		'2026-11-30-001-ledger-by-month': {
			// Cumulative billing (issue 8): runs carry where their billable time may start, charges
			// where billing stopped (the chain state), and lines become one per server and month.
			async up(db: AnyDatabase) {
				await db.schema
					.alterTable('runs')
					.addColumn('billable_from', 'bigint', (c) => c.notNull().defaultTo(0))
					.execute();
				await db.schema.alterTable('servers').addColumn('metering_start', 'bigint').execute();
				await db.schema.alterTable('charges').addColumn('frontier', 'bigint').execute();
				await db.schema.alterTable('charges').addColumn('anchor_run_id', 'bigint').execute();
				await db.schema.alterTable('charges').addColumn('anchor_start', 'bigint').execute();
				await db.schema.alterTable('charges').addColumn('review_reason', 'text').execute();
				await db.schema
					.alterTable('charges')
					.addColumn('stripe_attempt', 'integer', (c) => c.notNull().defaultTo(0))
					.execute();
				await db.schema
					.createTable('charge_items')
					.addColumn('id', id)
					.addColumn('charge_id', 'bigint', (c) => c.notNull().references('charges.id'))
					.addColumn('server_id', 'text', (c) => c.notNull().references('servers.id'))
					.addColumn('month', 'text', (c) => c.notNull())
					.addColumn('rate', 'text')
					.addColumn('period_start', 'bigint', (c) => c.notNull())
					.addColumn('period_end', 'bigint', (c) => c.notNull())
					.addColumn('run_count', 'integer', (c) => c.notNull())
					.addColumn('billable_seconds', 'bigint', (c) => c.notNull())
					.addColumn('amount_minor', 'bigint', (c) => c.notNull())
					.addColumn('description', 'text', (c) => c.notNull())
					.addCheckConstraint('charge_items_amount', sql`amount_minor >= 0`)
					.execute();
				await db.schema.createIndex('charge_items_charge').on('charge_items').columns(['charge_id', 'id']).execute();
				await db.schema.createIndex('charge_items_server_month').on('charge_items').columns(['server_id', 'month']).execute();
				// a run never starts before the end of the one seen before it: backfill that chain
				const runs = await db
					.selectFrom('runs')
					.select(['id', 'server_id', 'boot_time', 'last_seen_at'])
					.orderBy('server_id')
					.orderBy('boot_time')
					.execute();
				let server: string | undefined;
				let seen = -Infinity;
				for (const run of runs) {
					if (run.server_id !== server) [server, seen] = [run.server_id, -Infinity];
					const from = Math.max(Number(run.boot_time), seen);
					seen = Math.max(seen, Number(run.last_seen_at));
					await db.updateTable('runs').set({ billable_from: from }).where('id', '=', run.id).execute();
				}
				await db.schema.createIndex('runs_server_from').on('runs').columns(['server_id', 'billable_from']).execute();
				// remote servers bill from their registration; the local one from METERING_START (set at start-up)
				await db
					.updateTable('servers')
					.set({ metering_start: sql`created_at` })
					.where('is_local', '=', 0)
					.execute();
				// earlier charges billed up to their end, run by run: their lines become month lines
				await db
					.updateTable('charges')
					.set({ frontier: sql`period_end` })
					.execute();
				await sql`insert into charge_items (charge_id, server_id, month, rate, period_start, period_end, run_count, billable_seconds, amount_minor, description)
					select l.charge_id, c.server_id, l.month, null, min(l.period_start), max(l.period_end), count(distinct l.run_id), sum(l.billable_seconds), sum(l.amount_minor), min(l.description)
					from charge_lines l join charges c on c.id = l.charge_id group by l.charge_id, c.server_id, l.month`.execute(db);
				// every idempotency key and Stripe object of this database carries it (one Stripe account, many installations)
				await db
					.insertInto('settings')
					.values({ key: 'installation_id', value: randomBytes(6).toString('hex') })
					.execute();
			}
		},
		'2026-11-30-002-invoice-pdf': {
			// the customer's PDF of a finalized invoice, shown beside its hosted page
			async up(db: AnyDatabase) {
				await db.schema.alterTable('charges').addColumn('invoice_pdf_url', 'text').execute();
			}
		},
		'2026-11-30-003-customers': {
			// Customers (SPEC §12): servers belong to one, a charge bills one server or every server of
			// one customer (charge_servers holds each server's chain state), charges store net, tax and
			// gross. Existing servers and charges move to the default customer, so nothing changes for them.
			async up(db: AnyDatabase) {
				await db.schema
					.createTable('customers')
					.addColumn('id', 'text', (c) => c.primaryKey())
					// null on the default customer: CUSTOMER_NAME / CUSTOMER_EMAIL / STRIPE_CUSTOMER_ID apply
					.addColumn('name', 'text')
					.addColumn('email', 'text')
					.addColumn('locale', 'text', (c) => c.notNull().defaultTo('en'))
					.addColumn('stripe_customer_id', 'text')
					// percent as a decimal string; null: TAX_RATE
					.addColumn('tax_rate', 'text')
					.addColumn('tax_inclusive', 'integer')
					.addColumn('created_at', 'bigint', (c) => c.notNull())
					.execute();
				await db.insertInto('customers').values({ id: 'default', name: null, email: null, locale: 'en', created_at: Date.now() }).execute();
				await db.schema
					.alterTable('servers')
					.addColumn('customer_id', 'text', (c) => c.notNull().defaultTo('default'))
					.execute();
				await db.schema.alterTable('servers').addColumn('retired_at', 'bigint').execute();
				await db.schema.createIndex('servers_customer').on('servers').columns(['customer_id', 'name', 'id']).execute();
				// the fleet list: local first, then by name (a covering order, no sort of the whole table)
				await db.schema.createIndex('servers_list').on('servers').columns(['is_local', 'name', 'id']).execute();

				await db.schema
					.createTable('invitations')
					.addColumn('id', 'text', (c) => c.primaryKey()) // SHA-256 of the link's token
					.addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id'))
					.addColumn('expires_at', 'bigint', (c) => c.notNull())
					.addColumn('used_at', 'bigint')
					.addColumn('created_at', 'bigint', (c) => c.notNull())
					.execute();
				// a session without a customer is the operator's
				await db.schema.alterTable('sessions').addColumn('customer_id', 'text').execute();

				if (dialect === 'postgres') {
					await sql`alter table charges alter column server_id drop not null`.execute(db);
				} else {
					await rebuildChargesWithNullableServer(db);
				}
				await db.schema
					.alterTable('charges')
					.addColumn('customer_id', 'text', (c) => c.notNull().defaultTo('default'))
					.execute();
				await db.schema.alterTable('charges').addColumn('net_minor', 'bigint').execute();
				await db.schema
					.alterTable('charges')
					.addColumn('tax_minor', 'bigint', (c) => c.notNull().defaultTo(0))
					.execute();
				await db.schema.alterTable('charges').addColumn('tax_rate', 'text').execute();
				await db.schema
					.alterTable('charges')
					.addColumn('tax_inclusive', 'integer', (c) => c.notNull().defaultTo(0))
					.execute();
				await db.schema
					.alterTable('charges')
					.addColumn('save_card', 'integer', (c) => c.notNull().defaultTo(0))
					.execute();
				await db
					.updateTable('charges')
					.set({ net_minor: sql`amount_minor` })
					.execute();
				// one open charge per customer for charges that bill the customer (per-server charges keep charges_one_open)
				await sql`create unique index charges_one_open_customer on charges (customer_id) where server_id is null and status in ('creating', 'pending')`.execute(
					db
				);
				await sql`create unique index charges_customer_tick on charges (customer_id, schedule_tick) where server_id is null`.execute(db);
				await db.schema.createIndex('charges_customer_id').on('charges').columns(['customer_id', 'id']).execute();

				await db.schema
					.createTable('charge_servers')
					.addColumn('charge_id', 'bigint', (c) => c.notNull().references('charges.id'))
					.addColumn('server_id', 'text', (c) => c.notNull().references('servers.id'))
					.addColumn('period_start', 'bigint', (c) => c.notNull())
					.addColumn('period_end', 'bigint', (c) => c.notNull())
					.addColumn('frontier', 'bigint', (c) => c.notNull())
					.addColumn('anchor_run_id', 'bigint')
					.addColumn('anchor_start', 'bigint')
					.addPrimaryKeyConstraint('charge_servers_pk', ['charge_id', 'server_id'])
					.execute();
				await db.schema.createIndex('charge_servers_server').on('charge_servers').columns(['server_id', 'charge_id']).execute();
				await sql`insert into charge_servers (charge_id, server_id, period_start, period_end, frontier, anchor_run_id, anchor_start)
					select id, server_id, period_start, period_end, coalesce(frontier, period_end), anchor_run_id, anchor_start from charges`.execute(db);
			}
		},
		'2026-11-30-004-server-table': {
			// the operator's servers table sorts by name across every customer (by customer: servers_customer)
			async up(db: AnyDatabase) {
				await db.schema.createIndex('servers_name').on('servers').columns(['name', 'id']).execute();
			}
		}
	};
}

/**
 * SQLite cannot drop a NOT NULL: the table is rebuilt (SQLite's documented procedure), with
 * foreign keys off while the old table goes; every index is made again.
 */
async function rebuildChargesWithNullableServer(db: AnyDatabase): Promise<void> {
	await sql`pragma foreign_keys = off`.execute(db);
	await sql`begin`.execute(db);
	await sql`create table charges_rebuilt (
		id integer primary key autoincrement,
		server_id text references servers(id),
		kind text not null,
		status text not null,
		period_start bigint not null,
		period_end bigint not null,
		amount_minor bigint not null,
		currency text not null,
		description text not null,
		stripe_id text unique,
		client_secret text,
		hosted_invoice_url text,
		failure_code text,
		failure_message text,
		collection_method text,
		schedule_tick bigint,
		created_at bigint not null,
		updated_at bigint not null,
		frontier bigint,
		anchor_run_id bigint,
		anchor_start bigint,
		review_reason text,
		stripe_attempt integer not null default 0,
		invoice_pdf_url text,
		constraint charges_period check (period_end > period_start),
		constraint charges_amount check (amount_minor >= 0)
	)`.execute(db);
	const columns = sql.raw(
		'id, server_id, kind, status, period_start, period_end, amount_minor, currency, description, stripe_id, client_secret, hosted_invoice_url, failure_code, failure_message, collection_method, schedule_tick, created_at, updated_at, frontier, anchor_run_id, anchor_start, review_reason, stripe_attempt, invoice_pdf_url'
	);
	await sql`insert into charges_rebuilt (${columns}) select ${columns} from charges`.execute(db);
	await sql`drop table charges`.execute(db);
	await sql`alter table charges_rebuilt rename to charges`.execute(db);
	await sql`create unique index charges_one_open on charges (server_id) where status in ('creating', 'pending')`.execute(db);
	await sql`create unique index charges_tick on charges (server_id, schedule_tick)`.execute(db);
	await sql`create index charges_server_end on charges (server_id, period_end)`.execute(db);
	await sql`create index charges_server_id on charges (server_id, id)`.execute(db);
	await sql`commit`.execute(db);
	await sql`pragma foreign_keys = on`.execute(db);
	const broken = await sql<{ table: string }>`pragma foreign_key_check`.execute(db);
	if (broken.rows.length > 0) throw new Error(`charges rebuild left ${broken.rows.length} broken references`);
}
