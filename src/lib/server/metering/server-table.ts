import { sql, type SelectQueryBuilder } from 'kysely';
import type { Locale } from '../../format';
import type { App } from '../app';
import type { DB } from '../db/schema';
import { billingStatuses } from '../billing/status';
import { formatRate } from '../billing/money';
import { pricingRules } from '../billing/statement';
import { customerName } from '../customers/customers';
import { likePattern } from '../customers/list';
import { ONLINE_WITHIN_MS } from './fleet';

export type ServerSort = 'name' | 'customer' | 'uptime' | 'unbilled';

export interface ServerTableQuery {
	/** rows to skip */
	offset: number;
	limit: number;
	search?: string;
	sort: ServerSort;
	direction: 'asc' | 'desc';
	/** only this customer's servers */
	customerId?: string;
}

type Filtered = SelectQueryBuilder<DB, 'servers', object>;

/** The newest run's column, through the (server_id, last_seen_at) index. */
const latest = (column: 'boot_time' | 'last_seen_at') =>
	sql<number | null>`(select r.${sql.ref(column)} from runs r where r.server_id = servers.id order by r.last_seen_at desc limit 1)`;

/**
 * The servers table, a page at a time (offset paging), searchable by id or name (LIKE, with
 * `%` and `_` literal), sorted by name (index servers_name), customer (servers_customer),
 * uptime of the latest run, or unbilled amount — the one sort that prices every matching
 * server (billingStatus each), so it costs what the fleet's statuses cost.
 */
export async function serverTable(app: App, query: ServerTableQuery, locale: Locale) {
	const { store, config } = app;
	let filtered: Filtered = store.db.selectFrom('servers');
	if (query.customerId !== undefined) filtered = filtered.where('servers.customer_id', '=', query.customerId);
	if (query.search) {
		const pattern = likePattern(query.search);
		filtered = filtered.where((eb) =>
			eb.or([
				eb(sql`lower(servers.id)`, 'like', sql`${pattern} escape '\\'`),
				eb(sql`lower(servers.name)`, 'like', sql`${pattern} escape '\\'`)
			])
		);
	}
	const total = Number((await filtered.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
	const dir = query.direction;
	let pageIds: string[] | undefined;
	/** what each server owes unbilled (billingStatus's amount): all of them to sort by it, else the page's */
	let amounts: Map<string, number> | undefined;
	let ordered = filtered;
	if (query.sort === 'unbilled') {
		const ids = (await filtered.select('servers.id').execute()).map((r) => r.id);
		const statuses = await billingStatuses(app, ids, locale);
		amounts = new Map(statuses.map((s) => [s.serverId, s.amountMinor]));
		const sign = dir === 'asc' ? 1 : -1;
		const owed = amounts;
		ids.sort((a, b) => sign * (owed.get(a)! - owed.get(b)!) || (a < b ? -1 : a > b ? 1 : 0));
		pageIds = ids.slice(query.offset, query.offset + query.limit);
		if (pageIds.length === 0) return { items: [], total, nextCursor: null };
		ordered = filtered.where('servers.id', 'in', pageIds);
	} else if (query.sort === 'name') ordered = ordered.orderBy('servers.name', dir).orderBy('servers.id', dir);
	else if (query.sort === 'customer')
		ordered = ordered.orderBy('servers.customer_id', dir).orderBy('servers.name', dir).orderBy('servers.id', dir);
	else
		ordered = ordered
			.orderBy(sql`${latest('last_seen_at')} - ${latest('boot_time')}`, (ob) => (dir === 'asc' ? ob.asc() : ob.desc()).nullsLast())
			.orderBy('servers.id');
	if (!pageIds) ordered = ordered.limit(query.limit).offset(query.offset);
	const rows = await ordered
		.leftJoin('customers', 'customers.id', 'servers.customer_id')
		.select([
			'servers.id',
			'servers.name',
			'servers.is_local',
			'servers.hourly_rate',
			'servers.retired_at',
			'servers.customer_id',
			'customers.name as customer_name',
			latest('boot_time').as('boot_time'),
			latest('last_seen_at').as('last_seen_at')
		])
		.execute();
	if (pageIds) rows.sort((a, b) => pageIds.indexOf(a.id) - pageIds.indexOf(b.id));
	const unbilled =
		amounts ??
		new Map(
			(
				await billingStatuses(
					app,
					rows.map((r) => r.id),
					locale
				)
			).map((s) => [s.serverId, s.amountMinor])
		);
	const now = app.clock();
	const items = rows.map((r) => {
		const isLocal = r.is_local === 1;
		const bootTime = r.boot_time === null ? null : Number(r.boot_time);
		const lastSeen = isLocal ? now : r.last_seen_at === null ? null : Number(r.last_seen_at);
		return {
			serverId: r.id,
			name: r.name,
			customerId: r.customer_id,
			customerName: customerName(config, r.customer_id, r.customer_name ?? null),
			online: isLocal || (lastSeen !== null && now - lastSeen <= ONLINE_WITHIN_MS),
			uptimeSeconds: bootTime === null || lastSeen === null ? 0 : Math.max(0, Math.floor((lastSeen - bootTime) / 1000)),
			hourlyRate: formatRate(pricingRules(config, r).rateMicros),
			unbilledMinor: unbilled.get(r.id)!,
			retired: r.retired_at !== null
		};
	});
	const end = query.offset + items.length;
	return { items, total, nextCursor: end < total && items.length > 0 ? end : null };
}
