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
		}
	};
}
