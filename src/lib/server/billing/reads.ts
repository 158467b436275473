import DataLoader from 'dataloader';
import { CompiledQuery, type Compilable, type Kysely } from 'kysely';
import type { Dialect, Store } from '../db';
import type { Charge, DB, Run, Server } from '../db/schema';
import {
	BILLING_ORDER,
	latestRunQuery,
	runsFromQuery,
	runsSummaryQuery,
	summaryOf,
	type RunPosition,
	type RunsSummary
} from '../metering/runs';
import { foundServer, serverQuery } from '../metering/servers';
import type { StoredRun } from './chain';
import {
	billedMonthsOf,
	billedMonthsQuery,
	billedSoFarOf,
	billedSoFarQuery,
	lastSettledChargeQuery,
	openChargeQuery,
	type BilledSoFar
} from './ledger';
import type { BilledMonth } from './pricing';

/**
 * The reads a server's status is made of. `storeReads` runs each as its own query; `batchedReads` gathers the reads that
 * many statuses make in the same tick into a statement per shape of query (the customers table prices 200 servers: about
 * 80 statements on SQLite, 9 on PostgreSQL, not 1,400 queries). Both run the same query builders, so a batched read answers
 * exactly what the single one does (tests/integration/batched-reads.spec.ts).
 */
export interface FactReads {
	server(id: string): Promise<Server>;
	latestRun(serverId: string): Promise<Run | undefined>;
	billedSoFar(serverId: string): Promise<BilledSoFar>;
	openCharge(serverId: string): Promise<Charge | undefined>;
	lastSettledCharge(serverId: string): Promise<Charge | undefined>;
	runsFrom(serverId: string, anchorRunId: number | null, frontier: number | null, after?: RunPosition): Promise<StoredRun[]>;
	runsSummary(serverId: string, anchorRunId: number | null, frontier: number | null, through: RunPosition): Promise<RunsSummary>;
	billedMonths(serverId: string, months: string[], currentRate: string): Promise<Map<string, BilledMonth>>;
}

const single = new WeakMap<Kysely<DB>, FactReads>();

export function storeReads({ db }: Pick<Store, 'db'>): FactReads {
	let reads = single.get(db);
	if (!reads) single.set(db, (reads = singleReads(db)));
	return reads;
}

function singleReads(db: Kysely<DB>): FactReads {
	return {
		server: async (id) => foundServer(await serverQuery(db, id).executeTakeFirst(), id),
		latestRun: (serverId) => latestRunQuery(db, serverId).executeTakeFirst(),
		billedSoFar: async (serverId) => billedSoFarOf(await billedSoFarQuery(db, serverId).executeTakeFirst()),
		openCharge: (serverId) => openChargeQuery(db, serverId).executeTakeFirst(),
		lastSettledCharge: (serverId) => lastSettledChargeQuery(db, serverId).executeTakeFirst(),
		runsFrom: (serverId, anchorRunId, frontier, after) => runsFromQuery(db, serverId, anchorRunId, frontier, after).execute(),
		runsSummary: async (serverId, anchorRunId, frontier, through) =>
			summaryOf(await runsSummaryQuery(db, serverId, anchorRunId, frontier, through).executeTakeFirstOrThrow()),
		billedMonths: async (serverId, months, rate) =>
			months.length === 0 ? new Map() : billedMonthsOf(await billedMonthsQuery(db, serverId, months).execute(), rate)
	};
}

const MAX_BATCH = 200;

/** For the reads of one piece of work (a page's table): nothing is kept after it. */
export function batchedReads({ db, dialect }: Pick<Store, 'db' | 'dialect'>): FactReads {
	/** a loader whose batch runs each key's own query together with the others (unionAll), answered key by key */
	function loader<K, Row, V>(query: (key: K) => Compilable, answer: (rows: Row[], key: K) => V, orderBy: readonly string[] = []) {
		const load = new DataLoader<K, V>(
			async (keys) => {
				const rows = await unionAll<Row>(db, dialect, keys.map(query), orderBy);
				return keys.map((key, i) => answer(rows[i], key));
			},
			{ cache: false, maxBatchSize: MAX_BATCH }
		);
		return (key: K) => load.load(key);
	}
	const first = <Row>(rows: Row[]) => rows[0];
	const server = loader((id: string) => serverQuery(db, id), first<Server>);
	const latestRun = loader((id: string) => latestRunQuery(db, id), first<Run>);
	const billedSoFar = loader(
		(id: string) => billedSoFarQuery(db, id),
		(rows: Parameters<typeof billedSoFarOf>[0][]) => billedSoFarOf(rows[0])
	);
	const openCharge = loader((id: string) => openChargeQuery(db, id), first<Charge>);
	const lastSettledCharge = loader((id: string) => lastSettledChargeQuery(db, id), first<Charge>);
	type RunsKey = { serverId: string; anchorRunId: number | null; frontier: number | null; after?: RunPosition };
	const runsFrom = loader(
		(k: RunsKey) => runsFromQuery(db, k.serverId, k.anchorRunId, k.frontier, k.after),
		(rows: StoredRun[]) => rows,
		BILLING_ORDER
	);
	const runsSummary = loader(
		(k: RunsKey & { after: RunPosition }) => runsSummaryQuery(db, k.serverId, k.anchorRunId, k.frontier, k.after),
		(rows: Parameters<typeof summaryOf>[0][]) => summaryOf(rows[0])
	);
	type MonthsKey = { serverId: string; months: string[]; rate: string };
	const billedMonths = loader(
		(k: MonthsKey) => billedMonthsQuery(db, k.serverId, k.months),
		(rows: Parameters<typeof billedMonthsOf>[0][number][], k) => billedMonthsOf(rows, k.rate)
	);
	return {
		server: async (id) => foundServer(await server(id), id),
		latestRun,
		billedSoFar,
		openCharge,
		lastSettledCharge,
		runsFrom: (serverId, anchorRunId, frontier, after) => runsFrom({ serverId, anchorRunId, frontier, after }),
		runsSummary: (serverId, anchorRunId, frontier, through) => runsSummary({ serverId, anchorRunId, frontier, after: through }),
		billedMonths: async (serverId, months, rate) => (months.length === 0 ? new Map() : billedMonths({ serverId, months, rate }))
	};
}

/** SQLite: queries per statement, always this many (the last repeated), so each shape is one statement, prepared once. */
const PARTS = 25;

type Shape = { parameters: readonly unknown[]; index: number }[];

/**
 * Many queries as few statements: those with the same SQL text (the same shape, other values) go together; rows come back
 * per query. A subquery's order is not kept by the statement around it: each query's rows are sorted again here by
 * `orderBy`, the numeric columns its own ORDER BY names (an outer ORDER BY would make SQLite merge the parts pairwise).
 */
async function unionAll<Row>(db: Kysely<DB>, dialect: Dialect, queries: Compilable[], orderBy: readonly string[]): Promise<Row[][]> {
	const answers = queries.map((): Row[] => []);
	const shapes = new Map<string, Shape>();
	queries.forEach((query, index) => {
		const { sql, parameters } = query.compile();
		const same = shapes.get(sql);
		if (same) same.push({ parameters, index });
		else shapes.set(sql, [{ parameters, index }]);
	});
	for (const [text, all] of shapes) {
		const statements = dialect === 'postgres' ? [lateral(text, all)] : unions(text, all);
		for (const { statement, keys } of statements) {
			const { rows } = await db.executeQuery<Row & { k: number }>(statement);
			for (const { k, ...row } of rows) if (Number(k) < keys.length) answers[keys[Number(k)]].push(row as Row);
		}
	}
	if (orderBy.length > 0) {
		const compare = (a: Row, b: Row) => {
			for (const column of orderBy) {
				const d = Number((a as Record<string, unknown>)[column]) - Number((b as Record<string, unknown>)[column]);
				if (d !== 0) return d;
			}
			return 0;
		};
		for (const rows of answers) rows.sort(compare);
	}
	return answers;
}

/** SQLite: PARTS queries of one shape a statement, as a UNION ALL whose parts are tagged with their place `k`. */
function unions(text: string, all: Shape) {
	const statements: { statement: CompiledQuery; keys: number[] }[] = [];
	for (let at = 0; at < all.length; at += PARTS) {
		const some = all.slice(at, at + PARTS);
		const parts = Array.from({ length: PARTS }, (_, k) => `select ${k} as k, q.* from (${text}) as q`);
		const parameters = parts.flatMap((_, k) => (some[k] ?? some[some.length - 1]).parameters);
		statements.push({ statement: CompiledQuery.raw(parts.join(' union all '), parameters), keys: some.map((q) => q.index) });
	}
	return statements;
}

/**
 * PostgreSQL: all queries of one shape in one statement, planned once: their places and parameters as arrays, one row per
 * query, and the query run for each row (LATERAL) with `$i` read from column `p<i>`. Parameters here are ids, times and
 * months: whole numbers (bigint) or text.
 */
function lateral(text: string, all: Shape) {
	const columns = Array.from({ length: all[0].parameters.length }, (_, i) => {
		const values = all.map((q) => q.parameters[i]);
		const type = values.every((v) => typeof v === 'number' && Number.isInteger(v)) ? 'bigint' : 'text';
		return { values: type === 'text' ? values.map(String) : values, type };
	});
	const arrays = ['$1::bigint[]', ...columns.map((c, i) => `$${i + 2}::${c.type}[]`)];
	const names = ['k', ...columns.map((_, i) => `p${i + 1}`)];
	const body = text.replace(/\$(\d+)/g, (_, n) => `p.p${n}`);
	const sql = `select p.k, q.* from unnest(${arrays.join(', ')}) as p(${names.join(', ')}) cross join lateral (${body}) as q`;
	const places = all.map((_, k) => k);
	return { statement: CompiledQuery.raw(sql, [places, ...columns.map((c) => c.values)]), keys: all.map((q) => q.index) };
}
