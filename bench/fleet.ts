import type { Config } from '../src/lib/server/config';
import type { Store } from '../src/lib/server/db';
import { pricingRules } from '../src/lib/server/billing/statement';
import { SeededCharges } from './charges';
import { addServer } from '../src/lib/server/metering/fleet';
import type { LoadTarget } from './load';

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
	shape: { runs: number; paid: boolean; customers?: number } = { runs: 10, paid: true }
): Promise<void> {
	const RUNS_EACH = shape.runs;
	const end = Math.floor(before / 1000) * 1000;
	// registered before their first run, so all of it is billable
	const meteringStart = end - (RUNS_EACH + 1) * 2 * RUN_MS;
	// the operator's customers, each renting an equal share of the fleet (none: all in the default customer)
	const customers = shape.customers ?? 0;
	const customerId = (i: number) => `customer-${String(i % customers).padStart(3, '0')}`;
	for (let c = 0; c < customers; c++) {
		await store.db
			.insertInto('customers')
			.values({ id: customerId(c), name: `Customer ${c}`, email: `billing-${c}@example.com`, created_at: before })
			.execute();
	}
	for (let i = 0; i < size; i++) {
		await addServer(
			store,
			{ id: fleetId(i), name: `fleet server ${i}`, meteringStart, ...(customers > 0 && { customerId: customerId(i) }) },
			before
		);
	}
	const rules = pricingRules(config, { hourly_rate: null });
	await store.db.transaction().execute(async (tx) => {
		for (let i = 0; i < size; i++) {
			const serverId = fleetId(i);
			const runs = await tx
				.insertInto('runs')
				.values(
					Array.from({ length: RUNS_EACH }, (_, r) => {
						const boot = end - (RUNS_EACH - r) * 2 * RUN_MS;
						return { server_id: serverId, boot_time: boot, last_seen_at: boot + RUN_MS, billable_from: boot };
					})
				)
				.returning(['id', 'billable_from', 'last_seen_at'])
				.execute();
			if (!shape.paid) continue;
			const paid = runs[0];
			await new SeededCharges(rules, serverId).add(tx, [paid], paid.billable_from, paid.last_seen_at, `in_bench_${serverId}`);
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

/** The heartbeat ingest load: batches of one beat per fleet server, posted to the heartbeat procedure by 4 connections. */
export function heartbeatTarget(name: string, appUrl: string, size: number, bootTime: number): LoadTarget {
	return {
		name,
		url: `${appUrl}/api/trpc/heartbeat`,
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: heartbeatBatches(size, bootTime),
		connections: 4,
		itemsPerRequest: size
	};
}
