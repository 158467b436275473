import type { Config } from '../src/lib/server/config';
import type { Store } from '../src/lib/server/db';
import { priceStatement } from '../src/lib/server/billing/pricing';
import { pricingRules } from '../src/lib/server/billing/statement';
import { spansInWindow, type RunTimes } from '../src/lib/server/billing/window';
import { ensureLocalServer, LOCAL_SERVER_ID } from '../src/lib/server/metering/servers';

export interface History {
	/** past boots of the server, all ended before `before` */
	runs: number;
	/** settled charges covering the oldest runs, in order; the newest runs stay unbilled */
	charges: number;
	/** the runs end before this instant (the current boot) */
	before: number;
	serverId?: string;
}

const RUN_MS = 50 * 60_000;
const GAP_MS = 10 * 60_000;
const ROWS_PER_INSERT = 1000;
const UNBILLED_RUNS = 10;

/**
 * Fills a store, through the app's own schema and pricing, with the history of a server that
 * has rebooted `runs` times (50 min up, 10 min down) and paid `charges` invoices for its oldest
 * runs. Charge lines are priced by the app's pricing code, as a real charge would be.
 */
export async function seedHistory(store: Store, config: Config, history: History): Promise<{ unbilledRuns: number }> {
	const serverId = history.serverId ?? LOCAL_SERVER_ID;
	if (serverId === LOCAL_SERVER_ID) await ensureLocalServer(store, config.serverName, history.before);
	// times are whole seconds, as the meter stores them
	const first = Math.floor(history.before / 1000) * 1000 - history.runs * (RUN_MS + GAP_MS);
	const runs: RunTimes[] = [];
	await store.db.transaction().execute(async (tx) => {
		for (let offset = 0; offset < history.runs; offset += ROWS_PER_INSERT) {
			const rows = [];
			for (let i = offset; i < Math.min(history.runs, offset + ROWS_PER_INSERT); i++) {
				const boot = first + i * (RUN_MS + GAP_MS);
				rows.push({ server_id: serverId, boot_time: boot, last_seen_at: boot + RUN_MS });
			}
			const inserted = await tx.insertInto('runs').values(rows).returning(['id', 'boot_time', 'last_seen_at']).execute();
			runs.push(...inserted);
		}
	});
	if (history.charges === 0) return { unbilledRuns: history.runs };
	const server = await store.db.selectFrom('servers').selectAll().where('id', '=', serverId).executeTakeFirstOrThrow();
	const rules = pricingRules(config, server);
	// the charges share the runs evenly; the newest few runs are left for the open window
	const billable = Math.max(history.charges, history.runs - UNBILLED_RUNS);
	const cut = (c: number) => Math.floor((c * billable) / history.charges);
	await store.db.transaction().execute(async (tx) => {
		let windowStart: number | null = null;
		for (let c = 0; c < history.charges; c++) {
			const billed = runs.slice(cut(c), cut(c + 1));
			const windowEnd = billed[billed.length - 1].last_seen_at;
			const statement = priceStatement(spansInWindow(billed, windowStart, windowEnd, config.meteringStart), rules);
			const periodStart = windowStart ?? billed[0].boot_time;
			const charge = await tx
				.insertInto('charges')
				.values({
					server_id: serverId,
					kind: 'invoice',
					status: 'succeeded',
					period_start: periodStart,
					period_end: windowEnd,
					amount_minor: Number(statement.amountMinor),
					currency: rules.currency.code,
					description: `bench charge ${c + 1}`,
					stripe_id: `in_bench_${serverId}_${c + 1}`,
					client_secret: null,
					hosted_invoice_url: null,
					failure_code: null,
					failure_message: null,
					collection_method: 'charge_automatically',
					schedule_tick: null,
					created_at: windowEnd,
					updated_at: windowEnd
				})
				.returning('id')
				.executeTakeFirstOrThrow();
			if (statement.lines.length > 0) {
				await tx
					.insertInto('charge_lines')
					.values(
						statement.lines.map((l) => ({
							charge_id: charge.id,
							run_id: l.runId,
							period_start: l.periodStart,
							period_end: l.periodEnd,
							month: l.month,
							metered_seconds: l.meteredSeconds,
							billable_seconds: l.billableSeconds,
							amount_minor: Number(l.amountMinor),
							description: 'bench'
						}))
					)
					.execute();
			}
			windowStart = windowEnd;
		}
	});
	return { unbilledRuns: history.runs - billable };
}
