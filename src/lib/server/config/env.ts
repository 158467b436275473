import { hostname } from 'node:os';
import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';
import { findCurrency, SUPPORTED_CURRENCIES } from '../billing/currency';
import { parseRate } from '../billing/money';

/**
 * The environment as the app accepts it. Each variable says in its message what is
 * allowed; secrets are never echoed back. Empty strings count as unset, so a copied
 * `.env.example` with blank keys works.
 */
const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blank, schema.optional());
const withDefault = <T extends z.ZodType>(schema: T, fallback: string) => z.preprocess((v) => blank(v) ?? fallback, schema);

const integer = (min: number, max: number) =>
	z
		.string()
		.trim()
		.regex(/^\d+$/, `must be a whole number from ${min} to ${max}`)
		.transform(Number)
		.refine((n) => n >= min && n <= max, `must be a whole number from ${min} to ${max}`);

const secret = (prefixes: string[], what: string) =>
	z
		.string()
		.trim()
		.refine((v) => prefixes.some((p) => v.startsWith(p)) && /^[\w]+$/.test(v), `must be ${what} starting with ${prefixes.join(' or ')}`);

const timeZone = z
	.string()
	.trim()
	.refine((tz) => {
		try {
			new Intl.DateTimeFormat('en', { timeZone: tz });
			return true;
		} catch {
			return false;
		}
	}, 'must be an IANA time zone such as UTC or Asia/Tokyo');

export const envSchema = z.object({
	// 0 lets the OS pick a free port (the URL is logged): for tests and side-by-side runs
	PORT: withDefault(integer(0, 65535), '8000'),
	HOST: withDefault(
		z
			.string()
			.trim()
			.regex(/^[\w.:-]+$/, 'must be a host name or IP address'),
		'127.0.0.1'
	),
	DEBUG: withDefault(
		z
			.string()
			.trim()
			.regex(/^(true|false|1|0|yes|no)$/i, 'must be True/true/1 or False/false/0'),
		'false'
	).transform((v) => /^(true|1|yes)$/i.test(v)),
	// anything else (mysql://, sqlite:///…, http://…) would silently become a relative SQLite file; the value may hold a password: never echoed
	DATABASE_URL: optional(
		z.string().trim().refine(isDatabaseUrl, 'must be a SQLite file path, file:PATH, or a postgres:// (postgresql://) URL')
	),
	SERVER_NAME: withDefault(z.string().trim().min(1).max(100, 'must be at most 100 characters'), hostname()),
	HOURLY_RATE: withDefault(
		z
			.string()
			.trim()
			.refine(
				(v) => parseRate(v) !== undefined,
				'must be a non-negative decimal number with up to 6 decimal places, e.g. "100" or "0.0104"'
			),
		'100'
	),
	CURRENCY: withDefault(
		z
			.string()
			.trim()
			.toLowerCase()
			.refine(
				(v) => findCurrency(v) !== undefined,
				`must be a currency Stripe supports (ISO code such as jpy, usd, eur; one of ${SUPPORTED_CURRENCIES.length})`
			),
		'jpy'
	),
	MINIMUM_BILLABLE_SECONDS: withDefault(integer(0, 86_400), '60'),
	BILLING_INCREMENT_SECONDS: withDefault(integer(1, 86_400), '1'),
	// the default customer's tax, and every new customer's unless given: percent, e.g. "10" (Japan's consumption tax)
	TAX_RATE: withDefault(
		z
			.string()
			.trim()
			.regex(/^\d{1,2}(\.\d{1,4})?$|^100$/, 'must be a percentage from 0 to 100 with up to 4 decimals, e.g. "10"'),
		'0'
	),
	TAX_INCLUSIVE: withDefault(
		z
			.string()
			.trim()
			.regex(/^(true|false|1|0|yes|no)$/i, 'must be true/1 (prices include the tax) or false/0'),
		'false'
	).transform((v) => /^(true|1|yes)$/i.test(v)),
	MONTHLY_CAP: optional(
		z
			.string()
			.trim()
			.regex(/^\d+(\.\d+)?$/, 'must be a non-negative decimal amount in major units, e.g. "5000" or "49.99"')
	),
	BILLING_TIMEZONE: withDefault(timeZone, 'UTC'),
	METERING_START: optional(
		z
			.string()
			.trim()
			.refine((v) => !Number.isNaN(Date.parse(v)), 'must be an ISO 8601 time such as 2026-11-01T00:00:00Z')
	),
	SAMPLE_INTERVAL_SECONDS: withDefault(integer(1, 3600), '30'),
	BILLING_SCHEDULE: optional(
		z
			.string()
			.trim()
			.refine((v) => {
				try {
					CronExpressionParser.parse(v);
					return true;
				} catch {
					return false;
				}
			}, 'must be a cron expression such as "0 0 1 * *" (monthly)')
	),
	STRIPE_SECRET_KEY: optional(secret(['sk_', 'rk_'], 'a Stripe secret or restricted key')),
	STRIPE_PUBLISHABLE_KEY: optional(secret(['pk_'], 'a Stripe publishable key')),
	STRIPE_WEBHOOK_SECRET: optional(secret(['whsec_'], 'a Stripe webhook signing secret')),
	STRIPE_API_BASE: optional(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as http://localhost:12111' })),
	STRIPE_CUSTOMER_ID: optional(
		z
			.string()
			.trim()
			.regex(/^cus_\w+$/, 'must be a Stripe customer id starting with cus_')
	),
	CUSTOMER_EMAIL: optional(z.email({ error: 'must be an email address' })),
	CUSTOMER_NAME: optional(z.string().trim().max(200, 'must be at most 200 characters')),
	DAYS_UNTIL_DUE: withDefault(integer(1, 365), '30'),
	// the default depends on the key's mode (see toConfig)
	STRIPE_MAX_RPS: optional(integer(1, 1000)),
	ADMIN_TOKEN: optional(z.string().refine((v) => v.length >= 16, 'must be at least 16 characters')),
	SESSION_TTL_HOURS: withDefault(integer(1, 24 * 90), '12'),
	MUTATION_RATE_LIMIT: withDefault(integer(1, 1_000_000), '60'),
	FAILED_AUTH_LIMIT: withDefault(integer(1, 1_000_000), '5'),
	BOOT_TIME_FILE: optional(z.string().trim()),
	// read by adapter-node (and the fast path) to find the client address behind a proxy; checked here so a typo stops start-up
	ADDRESS_HEADER: optional(
		z
			.string()
			.trim()
			.regex(/^[A-Za-z0-9-]{1,64}$/, 'must be a header name such as x-forwarded-for or x-real-ip')
	),
	XFF_DEPTH: optional(integer(1, 20))
});

export type Env = z.output<typeof envSchema>;

/** A path (no URL scheme), file:PATH, or PostgreSQL; a one-letter "scheme" is a Windows drive. */
function isDatabaseUrl(url: string): boolean {
	if (/^postgres(ql)?:\/\/./i.test(url) || /^file:./.test(url)) return true;
	return !/^[a-z][a-z0-9+.-]+:/i.test(url);
}

/** Variables whose values must never appear in a message. */
export const SECRET_VARIABLES = new Set(['STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET', 'ADMIN_TOKEN', 'DATABASE_URL']);
