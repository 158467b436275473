import type { Store } from '../db';
import type { Charge, Run, Server } from '../db/schema';
import { LOCAL_SERVER_ID } from '../metering/servers';
import type { ChainRules } from './chain';
import { loadChainedWindow, type ChainedWindow } from './checkpoint';
import type { BilledMonth } from './pricing';
import { storeReads, type FactReads } from './reads';

/** What the ledger holds about one server: everything its status needs from the database. */
export interface ServerFacts {
	server: Server;
	/** a remote server's newest run (this machine's comes from the meter) */
	latestRun: Run | undefined;
	window: ChainedWindow;
	openCharge: Charge | undefined;
	lastCharge: Charge | undefined;
	/** what live charges billed per month, read when a month is first needed */
	billed: Map<string, BilledMonth>;
}

interface Entry {
	version: string;
	facts: Promise<ServerFacts>;
}

/** The facts last read per server, kept with the store. */
export class ServerFactsCache {
	readonly byServer = new Map<string, Entry>();
}

/**
 * A server's facts, read once per version of the database: the status page asks for them
 * on every request, while they change only when something is written (a sample, a charge,
 * a webhook) — by this process or, on SQLite, by another one (the CLI). Where the store
 * cannot tell (PostgreSQL, several instances), they are read every time.
 */
export function serverFacts(store: Store, rules: ChainRules, serverId: string, reads = storeReads(store)): Promise<ServerFacts> {
	const version = store.version?.();
	if (version === undefined) return loadFacts(store, rules, serverId, reads);
	const cache = store.caches.of(ServerFactsCache).byServer;
	const hit = cache.get(serverId);
	if (hit?.version === version) return hit.facts;
	const facts = loadFacts(store, rules, serverId, reads);
	const entry = { version, facts };
	cache.set(serverId, entry);
	// a failed read (unknown server, locked database) is not remembered
	facts.catch(() => cache.get(serverId) === entry && cache.delete(serverId));
	return facts;
}

async function loadFacts(store: Store, rules: ChainRules, serverId: string, reads: FactReads): Promise<ServerFacts> {
	const server = await reads.server(serverId);
	const [latest, window, open, last] = await Promise.all([
		server.id === LOCAL_SERVER_ID ? undefined : reads.latestRun(server.id),
		loadChainedWindow(store, rules, server, reads),
		reads.openCharge(server.id),
		reads.lastSettledCharge(server.id)
	]);
	return { server, latestRun: latest, window, openCharge: open, lastCharge: last, billed: new Map() };
}

/** What live charges billed in these months, from the facts or, for months not read yet, the database. */
export async function billedIn(
	reads: FactReads,
	facts: ServerFacts,
	months: string[],
	rate: string
): Promise<ReadonlyMap<string, BilledMonth>> {
	const missing = months.filter((month) => !facts.billed.has(month));
	if (missing.length > 0) {
		const read = await reads.billedMonths(facts.server.id, missing, rate);
		for (const month of missing) facts.billed.set(month, read.get(month) ?? { secondsByRate: new Map(), amountMinor: 0n });
	}
	return facts.billed;
}
