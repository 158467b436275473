import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Session } from './commands';
import { UsageError } from './errors';
import { duration, money, table, time } from './output';

export type Bucket = 'hour' | 'day' | 'month';
export interface UsageQuery {
	serverId?: string;
	customerId?: string;
	from: string;
	to: string;
	bucket: Bucket;
}
interface Usage {
	buckets: { start: string; end: string; seconds: number; amountMinor: number }[];
	totalSeconds: number;
	totalMinor: number;
	currency?: string;
}
/** The `usage` procedure as SPEC §13 names it; typed here until every branch's router has it (then the cast can go). */
type UsageClient = { usage: { query(input: UsageQuery): Promise<Usage> } };

/** "2026-11-01" means midnight here (TZ); a full ISO time is taken as it is. */
export function parseTime(option: string, value: string): string {
	const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00` : value);
	if (!Number.isFinite(ms)) throw new UsageError(`${option}: "${value}" is not a date (use 2026-11-01 or 2026-11-01T09:00:00Z)`);
	return new Date(ms).toISOString();
}

export function parseBucket(value: string): Bucket {
	if (value === 'hour' || value === 'day' || value === 'month') return value;
	throw new UsageError(`--bucket: "${value}" must be hour, day or month`);
}

/** Metered time per bucket and its estimated price (the charge itself is priced per run, §3). */
export async function usage(session: Session, query: UsageQuery) {
	const result = await (session.client as unknown as UsageClient).usage.query(query);
	if (session.json) return session.print(JSON.stringify(result, null, 2));
	const { t, view } = session;
	const code =
		result.currency ?? (await session.client.billingStatus.query(query.serverId ? { serverId: query.serverId } : undefined)).currency;
	const rows = result.buckets.map((b) => [time(b.start, view), duration(b.seconds, view), money(b.amountMinor, code, view)]);
	rows.push([t('total'), duration(result.totalSeconds, view), money(result.totalMinor, code, view)]);
	session.print(table([t('colStart'), t('colSeconds'), t('colAmount')], rows));
}

/** Streams GET /export/<what>.csv to a file or stdout, as the server writes it (RFC 4180, ISO times). */
export async function exportCsv(session: Session, what: string, query: Partial<UsageQuery>, out: string | undefined) {
	if (what !== 'usage' && what !== 'charges') throw new UsageError(`export: "${what}" must be usage or charges`);
	const url = new URL(`/export/${what}.csv`, session.url);
	for (const [key, value] of Object.entries(query)) if (value) url.searchParams.set(key, value);
	const response = await fetch(url, { headers: session.token ? { authorization: `Bearer ${session.token}` } : {} }).catch(
		(error: Error) => {
			throw new Error(`Cannot reach the billing server at ${session.url}${codeOf(error)}: pass --url or set SERVER_BILLING_URL`);
		}
	);
	if (response.status === 401) throw new Error(`The server at ${session.url} needs --token <ADMIN_TOKEN> (or SERVER_BILLING_TOKEN)`);
	if (response.status === 404) throw new Error(`The server at ${session.url} does not offer ${url.pathname}: is it an older version?`);
	if (!response.ok || !response.body) throw new Error(`GET ${url.pathname}: ${response.status} ${firstLine(await response.text())}`);
	await pipeline(
		Readable.fromWeb(response.body as import('node:stream/web').ReadableStream),
		out ? createWriteStream(out) : process.stdout
	);
}

const codeOf = (error: Error) => {
	const code = (error.cause as { code?: string } | undefined)?.code;
	return code ? ` (${code})` : '';
};

/** An error body may be JSON ({ error }) or text; one line of it is enough. */
function firstLine(body: string): string {
	try {
		const parsed = JSON.parse(body) as { error?: unknown; message?: unknown };
		return String(parsed.error ?? parsed.message ?? body).split('\n')[0] ?? '';
	} catch {
		return body.split('\n')[0]?.slice(0, 200) ?? '';
	}
}
