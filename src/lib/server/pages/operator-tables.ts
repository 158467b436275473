import { DEFAULT_CUSTOMER_ID } from '../db/schema';
import type { createCaller } from '../trpc/router';

type Caller = ReturnType<typeof createCaller>;

export const TABLE_PAGE_SIZE = 20;
const MAX_OFFSET = 1_000_000;
export const SERVER_SORTS = ['name', 'customer', 'uptime', 'unbilled'] as const;
export type ServerSort = (typeof SERVER_SORTS)[number];

/** The servers table's state, all in the URL so it works (and can be linked) without JavaScript. */
export interface ServerTableQuery {
	search: string;
	sort: ServerSort;
	direction: 'asc' | 'desc';
	/** the index of the page's first row (serverTable's cursor is an offset) */
	offset: number;
}

const text = (url: URL, key: string, max = 100) => (url.searchParams.get(key) ?? '').trim().slice(0, max);

export function serverTableQuery(url: URL): ServerTableQuery {
	const sort = text(url, 'sort');
	return {
		search: text(url, 'q'),
		sort: (SERVER_SORTS as readonly string[]).includes(sort) ? (sort as ServerSort) : 'name',
		direction: text(url, 'dir') === 'desc' ? 'desc' : 'asc',
		offset: Math.max(0, Math.min(Number.parseInt(text(url, 'offset'), 10) || 0, MAX_OFFSET))
	};
}

/**
 * The operator's tables on the dashboard: customers (once there is any besides the default
 * customer built from the settings, so a one-server install looks as it always did) and the
 * servers table (for a fleet too big for a row of chips, or when a search asks for it).
 */
export async function operatorTables(caller: Caller, url: URL, fleet: boolean) {
	const customerSearch = text(url, 'cq');
	const customerCursor = text(url, 'cafter') || null;
	const customers = await caller.customers({
		limit: TABLE_PAGE_SIZE,
		...(customerSearch ? { search: customerSearch } : {}),
		...(customerCursor ? { cursor: customerCursor } : {})
	});
	const hasCustomers =
		customerSearch !== '' || customerCursor !== null || customers.items.some((c) => c.customerId !== DEFAULT_CUSTOMER_ID);
	const query = serverTableQuery(url);
	const wantServers = fleet || query.search !== '' || query.offset > 0;
	const servers = wantServers
		? await caller.serverTable({
				limit: TABLE_PAGE_SIZE,
				sort: query.sort,
				direction: query.direction,
				...(query.search ? { search: query.search } : {}),
				...(query.offset > 0 ? { cursor: query.offset } : {})
			})
		: null;
	return {
		customerTable: hasCustomers ? { ...customers, search: customerSearch, cursor: customerCursor } : null,
		serverTable: servers ? { ...servers, query, pageSize: TABLE_PAGE_SIZE } : null
	};
}
