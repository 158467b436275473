import { resolve } from 'node:path';
import { currency, type Currency } from '../billing/currency';
import { majorToMinor, parseRate } from '../billing/money';
import { capBound, maxMonthlyCapMinor, maxRateMicros, rateBound } from './bounds';
import { envSchema, SECRET_VARIABLES, type Env } from './env';

export type Database = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };

export interface StripeConfig {
	secretKey?: string;
	publishableKey?: string;
	webhookSecret?: string;
	apiBase?: URL;
	customerId?: string;
	customerEmail?: string;
	customerName?: string;
	daysUntilDue: number;
	/** requests per second the app sends Stripe at most (STRIPE_MAX_RPS) */
	maxRps: number;
	/** true unless a live key is configured */
	testMode: boolean;
}

export interface Config {
	port: number;
	host: string;
	debug: boolean;
	database: Database;
	serverName: string;
	hourlyRate: string;
	rateMicros: bigint;
	currency: Currency;
	minimumSeconds: number;
	incrementSeconds: number;
	monthlyCap?: string;
	monthlyCapMinor?: bigint;
	/** TAX_RATE (percent, decimal string) and TAX_INCLUSIVE: the default for customers without their own */
	taxRate: string;
	taxInclusive: boolean;
	timeZone: string;
	meteringStart?: number;
	sampleIntervalSeconds: number;
	billingSchedule?: string;
	stripe: StripeConfig;
	adminToken?: string;
	sessionTtlHours: number;
	/** mutations per minute per client */
	mutationRateLimit: number;
	/** failed sign-ins and wrong bearer/agent tokens per 15 minutes per client address */
	failedAuthLimit: number;
	bootTimeFile?: string;
}

/** A configuration mistake: one line per bad variable, naming it and what is allowed. */
export class ConfigError extends Error {
	constructor(readonly problems: string[]) {
		super(`Invalid configuration:\n  ${problems.join('\n  ')}`);
		this.name = 'ConfigError';
	}
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export function loadConfig(source: Record<string, string | undefined>): Config {
	const parsed = envSchema.safeParse(source);
	if (!parsed.success) {
		throw new ConfigError(
			parsed.error.issues.map((issue) => {
				const name = String(issue.path[0]);
				const raw = source[name];
				const shown = SECRET_VARIABLES.has(name) || raw === undefined ? '' : ` (got "${raw.slice(0, 40)}")`;
				return `${name} ${issue.message}${shown}`;
			})
		);
	}
	return toConfig(parsed.data);
}

function toConfig(env: Env): Config {
	const problems: string[] = [];
	const cur = currency(env.CURRENCY);
	const monthlyCapMinor = env.MONTHLY_CAP === undefined ? undefined : majorToMinor(env.MONTHLY_CAP, cur);
	if (env.MONTHLY_CAP !== undefined && monthlyCapMinor === undefined) {
		problems.push(
			`MONTHLY_CAP must be an amount payable in ${cur.code.toUpperCase()} (at most ${cur.exponent} decimals${cur.step > 1n ? `, a multiple of ${cur.step} minor units` : ''}) (got "${env.MONTHLY_CAP}")`
		);
	}
	if (monthlyCapMinor !== undefined && monthlyCapMinor > maxMonthlyCapMinor())
		problems.push(`MONTHLY_CAP ${capBound(cur)} (got "${env.MONTHLY_CAP}")`);
	if (parseRate(env.HOURLY_RATE)! > maxRateMicros(cur, monthlyCapMinor)) {
		problems.push(`HOURLY_RATE ${rateBound(cur, monthlyCapMinor)} (got "${env.HOURLY_RATE.slice(0, 40)}")`);
	}
	if (!env.ADMIN_TOKEN && !LOOPBACK.has(env.HOST)) {
		problems.push(
			`HOST=${env.HOST} would expose billing without sign-in: set ADMIN_TOKEN (16+ characters) to listen beyond 127.0.0.1, or leave HOST unset`
		);
	}
	const secretMode = env.STRIPE_SECRET_KEY?.includes('_live_') ? 'live' : 'test';
	if (env.STRIPE_PUBLISHABLE_KEY && env.STRIPE_SECRET_KEY && !env.STRIPE_PUBLISHABLE_KEY.startsWith(`pk_${secretMode}_`)) {
		problems.push(`STRIPE_PUBLISHABLE_KEY must be a pk_${secretMode}_ key to match STRIPE_SECRET_KEY's ${secretMode} mode`);
	}
	if (problems.length) throw new ConfigError(problems);
	return {
		port: env.PORT,
		host: env.HOST,
		debug: env.DEBUG,
		database: parseDatabaseUrl(env.DATABASE_URL),
		serverName: env.SERVER_NAME,
		hourlyRate: env.HOURLY_RATE,
		rateMicros: parseRate(env.HOURLY_RATE)!,
		currency: cur,
		minimumSeconds: env.MINIMUM_BILLABLE_SECONDS,
		incrementSeconds: env.BILLING_INCREMENT_SECONDS,
		monthlyCap: env.MONTHLY_CAP,
		monthlyCapMinor,
		taxRate: env.TAX_RATE,
		taxInclusive: env.TAX_INCLUSIVE,
		timeZone: env.BILLING_TIMEZONE,
		meteringStart: env.METERING_START === undefined ? undefined : Math.floor(Date.parse(env.METERING_START) / 1000) * 1000,
		sampleIntervalSeconds: env.SAMPLE_INTERVAL_SECONDS,
		billingSchedule: env.BILLING_SCHEDULE,
		stripe: {
			secretKey: env.STRIPE_SECRET_KEY,
			publishableKey: env.STRIPE_PUBLISHABLE_KEY,
			webhookSecret: env.STRIPE_WEBHOOK_SECRET,
			apiBase: env.STRIPE_API_BASE ? new URL(env.STRIPE_API_BASE) : undefined,
			customerId: env.STRIPE_CUSTOMER_ID,
			customerEmail: env.CUSTOMER_EMAIL,
			customerName: env.CUSTOMER_NAME,
			daysUntilDue: env.DAYS_UNTIL_DUE,
			// under Stripe's own limits (25/s test mode, 100/s live) with room for the dashboard's calls
			maxRps: env.STRIPE_MAX_RPS ?? (secretMode === 'live' ? 80 : 20),
			testMode: secretMode === 'test'
		},
		adminToken: env.ADMIN_TOKEN,
		sessionTtlHours: env.SESSION_TTL_HOURS,
		mutationRateLimit: env.MUTATION_RATE_LIMIT,
		failedAuthLimit: env.FAILED_AUTH_LIMIT,
		bootTimeFile: env.BOOT_TIME_FILE
	};
}

/** Unset → ./data/billing.db; a path or file:PATH → SQLite there; postgres:// → PostgreSQL (env.ts refuses other schemes). */
export function parseDatabaseUrl(url: string | undefined): Database {
	if (!url) return { kind: 'sqlite', path: resolve('data/billing.db') };
	if (/^postgres(ql)?:\/\//i.test(url)) return { kind: 'postgres', url };
	if (url === ':memory:') return { kind: 'sqlite', path: url };
	return { kind: 'sqlite', path: resolve(url.replace(/^file:(\/\/)?/, '')) };
}
