import type { Kysely } from 'kysely';
import { RunChain, UNBILLED, chainRuns, type ChainState, type StoredRun } from '../src/lib/server/billing/chain';
import { priceMonths, type BilledMonth, type PricingRules } from '../src/lib/server/billing/pricing';
import type { DB } from '../src/lib/server/db/schema';

/**
 * Paid charges for a seeded history, priced by the app's own chain and month pricing (what a
 * real charge would have billed), with their lines and the state the next charge starts from.
 */
export class SeededCharges {
	state: ChainState = UNBILLED;
	readonly billed = new Map<string, { secondsByRate: Map<string, number>; amountMinor: bigint }>();

	constructor(
		private readonly rules: PricingRules,
		private readonly serverId: string
	) {}

	async add(tx: Kysely<DB>, runs: StoredRun[], periodStart: number, periodEnd: number, stripeId: string): Promise<void> {
		const chain = new RunChain(this.rules, this.state);
		for (const run of chainRuns(runs, periodEnd, null)) chain.add(run);
		const priced = priceMonths(this.rules, chain.months.values(), this.billed as ReadonlyMap<string, BilledMonth>);
		const charge = await tx
			.insertInto('charges')
			.values({
				server_id: this.serverId,
				kind: 'invoice',
				status: 'succeeded',
				period_start: periodStart,
				period_end: periodEnd,
				amount_minor: Number(priced.amountMinor),
				currency: this.rules.currency.code,
				description: 'bench charge',
				stripe_id: stripeId,
				client_secret: null,
				hosted_invoice_url: null,
				failure_code: null,
				failure_message: null,
				collection_method: 'charge_automatically',
				schedule_tick: null,
				created_at: periodEnd,
				updated_at: periodEnd,
				frontier: chain.state.frontier,
				anchor_run_id: chain.state.runId,
				anchor_start: chain.state.runStart,
				review_reason: null
			})
			.returning('id')
			.executeTakeFirstOrThrow();
		if (priced.lines.length > 0) {
			await tx
				.insertInto('charge_items')
				.values(
					priced.lines.map((l) => ({
						charge_id: charge.id,
						server_id: this.serverId,
						month: l.month,
						rate: l.rate,
						period_start: l.periodStart,
						period_end: l.periodEnd,
						run_count: l.runCount,
						billable_seconds: l.billableSeconds,
						amount_minor: Number(l.amountMinor),
						description: 'bench'
					}))
				)
				.execute();
		}
		for (const line of priced.lines) {
			let month = this.billed.get(line.month);
			if (!month) this.billed.set(line.month, (month = { secondsByRate: new Map(), amountMinor: 0n }));
			month.secondsByRate.set(line.rate, (month.secondsByRate.get(line.rate) ?? 0) + line.billableSeconds);
			month.amountMinor += line.amountMinor;
		}
		this.state = chain.state;
	}
}
