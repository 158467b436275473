import type { App } from '../app';

/**
 * A run renews its claim on a tick this often, and an instance that has not renewed it for
 * LEASE_MS is presumed dead and taken over. A lease, not a fixed timeout from the start: a
 * run paced under Stripe's rate limit may take far longer than any fixed timeout (10,000
 * servers at 20 requests/s is half an hour), and a crashed one is resumed within seconds.
 */
export const RENEW_MS = 5_000;
export const LEASE_MS = 20_000;

export type NotClaimed = 'already-done' | 'taken-by-another-instance';

/**
 * One instance's claim on a billing tick (`billing_ticks.started_at` holds when the claim
 * was taken or last renewed). Losing it to a takeover never bills twice — charges are
 * unique per server and tick — but the run stops, so two instances do not share the work.
 */
export class TickClaim {
	#timer: NodeJS.Timeout | undefined;
	lost = false;

	private constructor(
		private readonly app: App,
		readonly tick: number,
		private renewedAt: number
	) {}

	/** Claims the tick, or takes over one whose instance stopped renewing it. */
	static async take(app: App, tick: number): Promise<TickClaim | NotClaimed> {
		const now = app.clock();
		const inserted = await app.store.db
			.insertInto('billing_ticks')
			.values({ tick, started_at: now, finished_at: null })
			.onConflict((oc) => oc.column('tick').doNothing())
			.returning('tick')
			.executeTakeFirst();
		if (inserted) return new TickClaim(app, tick, now);
		const row = await app.store.db.selectFrom('billing_ticks').selectAll().where('tick', '=', tick).executeTakeFirstOrThrow();
		if (row.finished_at !== null) return 'already-done';
		if (now - Number(row.started_at) < LEASE_MS) return 'taken-by-another-instance';
		const claim = new TickClaim(app, tick, Number(row.started_at));
		// its instance died: take it over, unless someone else just did
		return (await claim.renew()) ? claim : 'taken-by-another-instance';
	}

	/** Moves the lease on; false (and `lost`) when another instance took the tick over. */
	async renew(): Promise<boolean> {
		const now = this.app.clock();
		const renewed = await this.app.store.db
			.updateTable('billing_ticks')
			.set({ started_at: now })
			.where('tick', '=', this.tick)
			.where('started_at', '=', this.renewedAt)
			.where('finished_at', 'is', null)
			.executeTakeFirst();
		if (Number(renewed.numUpdatedRows) === 0) this.lost = true;
		else this.renewedAt = now;
		return !this.lost;
	}

	/** Renews every RENEW_MS (and calls `each`, e.g. a progress line) until finish(). */
	keepAlive(each: () => void) {
		this.#timer = setInterval(() => {
			each();
			this.renew().catch((error) => this.app.logger.warn({ err: error, tick: this.tick }, 'could not renew the billing tick claim'));
		}, RENEW_MS);
	}

	async finish() {
		clearInterval(this.#timer);
		if (this.lost) return;
		await this.app.store.db.updateTable('billing_ticks').set({ finished_at: this.app.clock() }).where('tick', '=', this.tick).execute();
	}

	release() {
		clearInterval(this.#timer);
	}
}

/** Ticks claimed and never finished (a crash mid-run), with when their lease lapses. */
export async function unfinishedTicks(app: App): Promise<{ tick: number; lapsesAt: number }[]> {
	const rows = await app.store.db.selectFrom('billing_ticks').selectAll().where('finished_at', 'is', null).orderBy('tick').execute();
	return rows.map((row) => ({ tick: Number(row.tick), lapsesAt: Number(row.started_at) + LEASE_MS }));
}
