import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Config } from '../config';
import { Failure } from '../errors';

export type LimitKind = 'failures' | 'mutations' | 'heartbeats';

/**
 * How many points each budget holds and over how many seconds. Failures (wrong sign-in or
 * bearer/agent tokens) are counted per client address: guessing a 16+ character token at 5
 * tries per 15 minutes is hopeless. Heartbeats: an agent sends one request per sample
 * interval (30 s by default) and more only while flushing a backlog of batches (up to 1,000
 * beats each), so 20 per 10 s never slows a working agent and stops a runaway loop.
 */
type LimitConfig = Pick<Config, 'database' | 'mutationRateLimit' | 'failedAuthLimit'>;

export function limitRules(config: LimitConfig): Record<LimitKind, { points: number; duration: number }> {
	return {
		failures: { points: config.failedAuthLimit, duration: 15 * 60 },
		mutations: { points: config.mutationRateLimit, duration: 60 },
		heartbeats: { points: 20, duration: 10 }
	};
}

/**
 * The app's rate limits. On PostgreSQL the counts live in the database, so every instance
 * shares them (a small pool of its own; memory stands in while the database does not answer);
 * on SQLite they are per process. Created on first use: the CLI never opens them.
 */
export class Limits {
	#limiters: Promise<Record<LimitKind, RateLimiterAbstract>> | undefined;
	#close: () => Promise<void> = async () => {};
	/** clients known (here) to have used up their failure budget, until when (ms) */
	#blocked = new Map<string, number>();

	constructor(private readonly config: LimitConfig) {}

	/** Consumes one point of `key`'s budget or throws TOO_MANY_REQUESTS with the seconds to wait. */
	async take(kind: Exclude<LimitKind, 'failures'>, key: string, what: string): Promise<void> {
		const limiter = (await this.#open())[kind];
		try {
			await limiter.consume(key);
		} catch (rejection) {
			if (!(rejection instanceof RateLimiterRes)) throw rejection;
			const retryAfterSeconds = secondsOf(rejection);
			throw new Failure('RATE_LIMITED', `Too many ${what}; try again in ${retryAfterSeconds} s`, {
				retryAfterSeconds
			});
		}
	}

	/**
	 * Seconds this client must still wait after too many failed credentials. Read before a
	 * credential is checked, so a client over its budget learns nothing from a right guess;
	 * only this instance's knowledge (the shared count catches up at the client's next failure).
	 */
	blockedFor(clientKey: string, now = Date.now()): number | undefined {
		const until = this.#blocked.get(clientKey);
		if (until === undefined) return undefined;
		if (until > now) return Math.max(1, Math.ceil((until - now) / 1000));
		this.#blocked.delete(clientKey);
		return undefined;
	}

	/** Counts a failed credential; answers the seconds to wait when that used up the client's budget. */
	async failed(clientKey: string): Promise<number | undefined> {
		try {
			await (await this.#open()).failures.consume(clientKey);
			return undefined;
		} catch (rejection) {
			if (!(rejection instanceof RateLimiterRes)) throw rejection;
			if (this.#blocked.size > 10_000) this.#blocked.clear();
			this.#blocked.set(clientKey, Date.now() + rejection.msBeforeNext);
			return secondsOf(rejection);
		}
	}

	async close(): Promise<void> {
		await this.#close();
	}

	#open(): Promise<Record<LimitKind, RateLimiterAbstract>> {
		this.#limiters ??= (async () => {
			const rules = limitRules(this.config);
			const database = this.config.database;
			const memory = (kind: LimitKind) => new RateLimiterMemory({ keyPrefix: kind, ...rules[kind] });
			if (database.kind !== 'postgres')
				return { failures: memory('failures'), mutations: memory('mutations'), heartbeats: memory('heartbeats') };
			const { default: pg } = await import('pg');
			const pool = new pg.Pool({ connectionString: database.url, max: 2, allowExitOnIdle: true });
			pool.on('error', () => {}); // an idle client's lost connection: the next query reconnects
			this.#close = () => pool.end();
			// created here once (not by each limiter, racing): until it exists the memory stand-in counts
			const tableCreated = await pool.query(RATE_LIMITS_TABLE).then(
				() => true,
				() => false
			);
			const shared = (kind: LimitKind) =>
				new RateLimiterPostgres(
					{
						storeClient: pool,
						storeType: 'pool',
						tableName: 'rate_limits',
						keyPrefix: kind,
						tableCreated,
						...rules[kind],
						// the database not answering (or the table still being created) must not turn into 500s
						insuranceLimiter: memory(kind)
					},
					() => {}
				);
			return { failures: shared('failures'), mutations: shared('mutations'), heartbeats: shared('heartbeats') };
		})();
		return this.#limiters;
	}
}

/** rate-limiter-flexible's own layout for RateLimiterPostgres */
const RATE_LIMITS_TABLE =
	'CREATE TABLE IF NOT EXISTS rate_limits (key varchar(255) PRIMARY KEY, points integer NOT NULL DEFAULT 0, expire bigint)';

const secondsOf = (rejection: RateLimiterRes) => Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
