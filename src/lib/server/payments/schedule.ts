import { CronExpressionParser } from 'cron-parser';
import type { App } from '../app';
import { setTimeout as sleep } from 'node:timers/promises';
import { Failure } from '../errors';
import { CollectionMethods } from './collection-methods';
import { openChargeFor } from './open-charge';
import { RunProgress } from './run-progress';
import { requireStripe } from './stripe';
import { TickClaim, unfinishedTicks } from './tick-claim';

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
 * A tick is claimed in the database (one instance bills it, renewing its claim; a crashed
 * run is taken over) and charges are unique per server and tick, so a tick that runs twice
 * bills once.
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
	// before claiming: a claim taken and then abandoned would hold the tick until its lease lapsed
	const stripe = requireStripe(app.stripe);
	const claim = await TickClaim.take(app, tick);
	if (!(claim instanceof TickClaim)) return { ...report, outcome: claim };
	const collectionMethods = new CollectionMethods(stripe);
	// one invoice per customer: every server of theirs with unbilled time, in one charge
	const customers = await app.store.db.selectFrom('servers').select('customer_id').distinct().orderBy('customer_id').execute();
	const progress = new RunProgress(app, report, customers.length);
	claim.keepAlive(() => progress.log());
	let next = 0;
	const worker = async () => {
		// a run that lost its claim (taken over after a stall) stops; the other instance bills the rest
		while (next < customers.length && !claim.lost) {
			const { customer_id: id } = customers[next++];
			try {
				await openChargeFor(app, { customerId: id }, 'invoice', { scheduleTick: tick, collectionMethods });
				report.invoiced++;
			} catch (error) {
				const expected = error instanceof Failure && ['BELOW_MINIMUM', 'NOTHING_TO_BILL', 'CHARGE_PENDING'].includes(error.code);
				if (expected) report.skipped++;
				else {
					report.failed++;
					app.logger.error({ err: error, customerId: id, tick: report.tick }, 'scheduled invoice failed; the next tick retries');
				}
			}
		}
	};
	try {
		await Promise.all(Array.from({ length: concurrency(app.config.stripe.maxRps) }, worker));
	} finally {
		claim.release();
	}
	await claim.finish();
	app.logger.info(progress.fields(), claim.lost ? 'billing tick taken over by another instance' : 'billing tick done');
	return report;
}

/**
 * Servers billed at once: enough to keep STRIPE_MAX_RPS busy over Stripe's latency (a few
 * hundred ms a call), while the ledger stays per-server serialized.
 */
const concurrency = (maxRps: number) => Math.min(32, Math.max(4, Math.ceil(maxRps / 4)));

/**
 * Ticks a crash left unfinished are billed again once their claim lapses: servers already
 * charged for the tick are found by their (server, tick) charge and not billed twice.
 */
export async function resumeUnfinishedTicks(app: App): Promise<void> {
	for (const { tick, lapsesAt } of await unfinishedTicks(app)) {
		const wait = Math.max(0, lapsesAt - app.clock());
		if (wait > 0) await sleep(wait, undefined, { ref: false });
		app.logger.info({ tick: new Date(tick).toISOString() }, 'resuming a billing tick left unfinished');
		await runBillingTick(app, tick);
	}
}
