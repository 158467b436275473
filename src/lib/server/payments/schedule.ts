import { CronExpressionParser } from 'cron-parser';
import type { App } from '../app';
import { Failure } from '../errors';
import { openChargeFor } from './open-charge';

/** A tick claimed by an instance that has not finished it after this long is taken over. */
const STALE_TICK_MS = 10 * 60_000;
/** Servers billed at once: Stripe calls overlap, the ledger stays per-server serialized. */
const CONCURRENCY = 4;
const SINCE_SETTING = 'billing_schedule_since';

export interface TickReport {
	tick: string;
	outcome: 'billed' | 'already-done' | 'taken-by-another-instance';
	invoiced: number;
	skipped: number;
	failed: number;
}

/**
 * Automatic billing on BILLING_SCHEDULE (cron, in BILLING_TIMEZONE): at each tick every
 * server's unbilled usage up to the tick is invoiced, and Stripe charges the saved card.
 * A tick is claimed in the database (one instance bills it) and charges are unique per
 * server and tick, so a tick that runs twice bills once.
 */
export class BillingSchedule {
	#timer: NodeJS.Timeout | undefined;
	#stopped = false;

	constructor(
		private readonly app: App,
		private readonly expression: string
	) {}

	async start(): Promise<void> {
		const now = this.app.clock();
		// catch up a tick missed while no instance ran — but never one from before the schedule was set
		await this.app.store.db
			.insertInto('settings')
			.values({ key: SINCE_SETTING, value: String(now) })
			.onConflict((oc) => oc.column('key').doNothing())
			.execute();
		const since = Number(
			(await this.app.store.db.selectFrom('settings').select('value').where('key', '=', SINCE_SETTING).executeTakeFirstOrThrow()).value
		);
		const previous = this.#cron(now).prev().getTime();
		if (previous > since)
			await runBillingTick(this.app, previous).catch((error) => this.app.logger.error({ err: error }, 'catch-up billing tick failed'));
		this.#arm();
	}

	stop() {
		this.#stopped = true;
		clearTimeout(this.#timer);
	}

	#cron(now: number) {
		return CronExpressionParser.parse(this.expression, { tz: this.app.config.timeZone, currentDate: new Date(now) });
	}

	#arm() {
		if (this.#stopped) return;
		const next = this.#cron(this.app.clock()).next().getTime();
		// long delays are re-armed hourly (timers cap at ~24.8 days, and clocks drift)
		const wait = Math.max(0, Math.min(next - this.app.clock(), 3600_000));
		this.#timer = setTimeout(async () => {
			if (this.app.clock() >= next) {
				await runBillingTick(this.app, next).catch((error) => this.app.logger.error({ err: error }, 'billing tick failed'));
			}
			this.#arm();
		}, wait);
	}
}

/** Bills one tick for every server (the schedule's ticks, and what `billNow` runs). */
export async function runBillingTick(app: App, tick: number): Promise<TickReport> {
	const report: TickReport = { tick: new Date(tick).toISOString(), outcome: 'billed', invoiced: 0, skipped: 0, failed: 0 };
	const claimed = await claim(app, tick);
	if (claimed !== 'claimed') return { ...report, outcome: claimed };
	const servers = await app.store.db.selectFrom('servers').select('id').orderBy('id').execute();
	let next = 0;
	const worker = async () => {
		while (next < servers.length) {
			const { id } = servers[next++];
			try {
				await openChargeFor(app, id, 'invoice', tick);
				report.invoiced++;
			} catch (error) {
				const expected = error instanceof Failure && ['BELOW_MINIMUM', 'NOTHING_TO_BILL', 'CHARGE_PENDING'].includes(error.code);
				if (expected) report.skipped++;
				else {
					report.failed++;
					app.logger.error({ err: error, serverId: id, tick: report.tick }, 'scheduled invoice failed; the next tick retries');
				}
			}
		}
	};
	await Promise.all(Array.from({ length: CONCURRENCY }, worker));
	await app.store.db.updateTable('billing_ticks').set({ finished_at: app.clock() }).where('tick', '=', tick).execute();
	app.logger.info(report, 'billing tick done');
	return report;
}

/** Claims a tick in the database: the primary key lets exactly one instance (or run) bill it. */
async function claim(app: App, tick: number): Promise<'claimed' | 'already-done' | 'taken-by-another-instance'> {
	const now = app.clock();
	const inserted = await app.store.db
		.insertInto('billing_ticks')
		.values({ tick, started_at: now, finished_at: null })
		.onConflict((oc) => oc.column('tick').doNothing())
		.returning('tick')
		.executeTakeFirst();
	if (inserted) return 'claimed';
	const row = await app.store.db.selectFrom('billing_ticks').selectAll().where('tick', '=', tick).executeTakeFirstOrThrow();
	if (row.finished_at !== null) return 'already-done';
	if (now - row.started_at < STALE_TICK_MS) return 'taken-by-another-instance';
	// its instance died: take it over, unless someone else just did
	const taken = await app.store.db
		.updateTable('billing_ticks')
		.set({ started_at: now })
		.where('tick', '=', tick)
		.where('started_at', '=', row.started_at)
		.where('finished_at', 'is', null)
		.executeTakeFirst();
	return Number(taken.numUpdatedRows) > 0 ? 'claimed' : 'taken-by-another-instance';
}
