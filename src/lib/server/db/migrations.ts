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
		}
	};
}
