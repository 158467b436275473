import type { Config } from '../src/lib/server/config';
import type { Store } from '../src/lib/server/db';
import { priceStatement } from '../src/lib/server/billing/pricing';
import { pricingRules } from '../src/lib/server/billing/statement';
import { spansInWindow } from '../src/lib/server/billing/window';
import { addServer } from '../src/lib/server/metering/fleet';

export const fleetId = (i: number) => `fleet-${String(i).padStart(5, '0')}`;
const RUN_MS = 5 * 3600_000;

/**
 * Remote servers registered as the operator registers them (addServer), each with `runs` past
 * runs (5 h up, 5 h down), the first of them paid (`paid`) by a charge priced by the app's pricing code.
 */
export async function seedFleet(
	store: Store,
	config: Config,
	size: number,
	before: number,
	shape = { runs: 10, paid: true }
): Promise<void> {
	const RUNS_EACH = shape.runs;
	for (let i = 0; i < size; i++) await addServer(store, { id: fleetId(i), name: `fleet server ${i}` }, before);
	const rules = pricingRules(config, { hourly_rate: null });
	const end = Math.floor(before / 1000) * 1000;
	await store.db.transaction().execute(async (tx) => {
		for (let i = 0; i < size; i++) {
			const serverId = fleetId(i);
			const runs = await tx
				.insertInto('runs')
				.values(
					Array.from({ length: RUNS_EACH }, (_, r) => {
						const boot = end - (RUNS_EACH - r) * 2 * RUN_MS;
						return { server_id: serverId, boot_time: boot, last_seen_at: boot + RUN_MS };
					})
				)
				.returning(['id', 'boot_time', 'last_seen_at'])
				.execute();
			if (!shape.paid) continue;
			const paid = runs[0];
			const statement = priceStatement(spansInWindow([paid], null, paid.last_seen_at), rules);
			const charge = await tx
				.insertInto('charges')
				.values({
					server_id: serverId,
					kind: 'invoice',
					status: 'succeeded',
					period_start: paid.boot_time,
					period_end: paid.last_seen_at,
					amount_minor: Number(statement.amountMinor),
					currency: rules.currency.code,
					description: 'bench charge',
					stripe_id: `in_bench_${serverId}`,
					client_secret: null,
					hosted_invoice_url: null,
					failure_code: null,
					failure_message: null,
					collection_method: 'charge_automatically',
					schedule_tick: null,
					created_at: paid.last_seen_at,
					updated_at: paid.last_seen_at
				})
				.returning('id')
				.executeTakeFirstOrThrow();
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
	});
}

/**
 * Heartbeat batches as a collector for the fleet would send them: one beat per server per
 * batch, every server up since `bootTime`, each batch a second later than the one before
 * (so every batch moves every server's run forward: one write per beat).
 */
export function heartbeatBatches(size: number, bootTime: number): () => string {
	let seenAt = bootTime;
	const boot = new Date(bootTime).toISOString();
	return () => {
		seenAt += 1000;
		const at = new Date(seenAt).toISOString();
		return JSON.stringify({ beats: Array.from({ length: size }, (_, i) => ({ serverId: fleetId(i), bootTime: boot, seenAt: at })) });
	};
}
