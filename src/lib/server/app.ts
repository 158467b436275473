import type Stripe from 'stripe';
import type { Config } from './config';
import { databaseUnavailable, openStore, type Store } from './db';
import { DatabaseHealth } from './db/health';
import { createLogger, type Logger } from './log';
import { LocalMeter, type Clock } from './metering/meter';
import { ensureLocalServer } from './metering/servers';
import { installationId } from './db/installation';
import { fileUptime, systemUptime, type UptimeSource } from './metering/uptime';
import { Limits } from './auth/limits';
import { Sessions } from './auth/sessions';
import { KeyedLock } from './locks';
import { reconcileCharges } from './payments/reconcile';
import { StripePacer } from './payments/pacer';
import { BillingSchedule, resumeUnfinishedTicks } from './payments/schedule';
import { createStripe } from './payments/stripe';
import { PageCache } from './page-cache';

export interface AppOptions {
	clock?: Clock;
	uptime?: UptimeSource;
	logger?: Logger;
	/** false for short-lived commands (the CLI): no sampling timer */
	sampling?: boolean;
}

/**
 * Everything stateful, built once per process: the store, the meter, the logger.
 * Routes and procedures receive it; nothing else opens a database or a timer.
 */
export class App {
	readonly clock: Clock;
	readonly meter: LocalMeter;
	/** undefined without STRIPE_SECRET_KEY: the app still meters */
	readonly stripe: Stripe | undefined;
	/** paces every Stripe request at STRIPE_MAX_RPS; its counts show in the billing run's progress */
	readonly stripePacer: StripePacer;
	readonly locks = new KeyedLock();
	readonly sessions: Sessions;
	readonly limits: Limits;
	/** random, made with the database: in every idempotency key and Stripe object's metadata (one Stripe account, many installations) */
	installationId = '';
	readonly health: DatabaseHealth;
	/** server-rendered pages, kept within a second and a database version (hooks.server.ts) */
	readonly pages: PageCache;
	/** set when BILLING_SCHEDULE is (and Stripe is configured) */
	schedule: BillingSchedule | undefined;
	#timers: NodeJS.Timeout[] = [];
	#stopping: Promise<void> | undefined;

	private constructor(
		readonly config: Config,
		readonly store: Store,
		readonly logger: Logger,
		uptime: UptimeSource,
		clock: Clock
	) {
		this.clock = clock;
		this.meter = new LocalMeter(store, uptime, clock);
		this.stripePacer = new StripePacer(config.stripe.maxRps);
		this.stripe = createStripe(config.stripe, this.stripePacer);
		this.sessions = new Sessions(this);
		this.health = new DatabaseHealth(store, config.database);
		this.limits = new Limits(config);
		this.pages = new PageCache(store, clock, this.meter);
	}

	static async open(config: Config, options: AppOptions = {}): Promise<App> {
		const logger = options.logger ?? createLogger(config.debug);
		const clock = options.clock ?? Date.now;
		const uptime = options.uptime ?? (config.bootTimeFile ? fileUptime(config.bootTimeFile) : systemUptime);
		const store = await openStore(config.database);
		const app = new App(config, store, logger, uptime, clock);
		try {
			await ensureLocalServer(store, config.serverName, config.meteringStart ?? null, clock());
			app.installationId = await installationId(store);
			await app.meter.sample();
		} catch (error) {
			await store.close().catch(() => {});
			const why = databaseUnavailable(error);
			if (!why) throw error;
			const where = config.database.kind === 'sqlite' ? config.database.path : 'DATABASE_URL (PostgreSQL)';
			throw new Error(`Cannot open the database at ${where}: ${why}`, { cause: error });
		}
		if (options.sampling !== false) app.#startTimers();
		return app;
	}

	#startTimers() {
		const every = (seconds: number, task: () => Promise<unknown>, what: string) =>
			this.#timers.push(setInterval(() => task().catch((error) => this.logger.error({ err: error }, `${what} failed`)), seconds * 1000));
		every(this.config.sampleIntervalSeconds, () => this.meter.sample(), 'sampling');
		every(3600, () => this.sessions.prune(), 'session pruning');
		if (this.stripe) {
			// at start-up: finish charges a crash left half-done and catch up on missed webhooks
			void reconcileCharges(this, { includePending: true }).catch((error) => this.logger.error({ err: error }, 'reconciliation failed'));
			every(60, () => reconcileCharges(this, { includePending: false }), 'reconciliation');
			// a billing run a crash cut short is finished, by this instance or another, once its claim lapses
			void resumeUnfinishedTicks(this).catch((error) => this.logger.error({ err: error }, 'resuming a billing tick failed'));
			if (this.config.billingSchedule) {
				this.schedule = new BillingSchedule(this, this.config.billingSchedule);
				void this.schedule.start().catch((error) => this.logger.error({ err: error }, 'billing schedule failed to start'));
			}
		}
	}

	/** Takes a last sample (the time up to now is billable) and closes the database. */
	stop(): Promise<void> {
		this.#stopping ??= (async () => {
			this.#timers.forEach(clearInterval);
			this.schedule?.stop();
			try {
				await this.meter.sample();
			} catch (error) {
				this.logger.error({ err: error }, 'final sample failed');
			}
			await this.limits.close();
			await this.store.close();
		})();
		return this.#stopping;
	}
}
