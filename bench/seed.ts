import type { Config } from '../src/lib/server/config';
import type { Store } from '../src/lib/server/db';
import type { StoredRun } from '../src/lib/server/billing/chain';
import { pricingRules } from '../src/lib/server/billing/statement';
import { SeededCharges } from './charges';
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
	if (serverId === LOCAL_SERVER_ID) await ensureLocalServer(store, config.serverName, null, history.before);
	// times are whole seconds, as the meter stores them
	const first = Math.floor(history.before / 1000) * 1000 - history.runs * (RUN_MS + GAP_MS);
	const runs: StoredRun[] = [];
	await store.db.transaction().execute(async (tx) => {
		for (let offset = 0; offset < history.runs; offset += ROWS_PER_INSERT) {
			const rows = [];
			for (let i = offset; i < Math.min(history.runs, offset + ROWS_PER_INSERT); i++) {
				const boot = first + i * (RUN_MS + GAP_MS);
				rows.push({ server_id: serverId, boot_time: boot, last_seen_at: boot + RUN_MS, billable_from: boot });
			}
			const inserted = await tx.insertInto('runs').values(rows).returning(['id', 'billable_from', 'last_seen_at']).execute();
			runs.push(...inserted);
		}
	});
	if (history.charges === 0) return { unbilledRuns: history.runs };
	const server = await store.db.selectFrom('servers').selectAll().where('id', '=', serverId).executeTakeFirstOrThrow();
	const rules = pricingRules(config, server);
	// the charges share the runs evenly; the newest few runs are left for the open window
	const billable = Math.max(history.charges, history.runs - UNBILLED_RUNS);
	const cut = (c: number) => Math.floor((c * billable) / history.charges);
	const charges = new SeededCharges(rules, serverId);
	await store.db.transaction().execute(async (tx) => {
		let periodStart: number | null = null;
		for (let c = 0; c < history.charges; c++) {
			const billed = runs.slice(cut(c), cut(c + 1));
			const periodEnd = billed[billed.length - 1].last_seen_at;
			await charges.add(tx, billed, periodStart ?? billed[0].billable_from, periodEnd, `in_bench_${serverId}_${c + 1}`);
			periodStart = periodEnd;
		}
	});
	return { unbilledRuns: history.runs - billable };
}
