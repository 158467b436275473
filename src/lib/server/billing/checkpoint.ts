import type { Store } from '../db';
import type { Server } from '../db/schema';
import type { RunPosition, RunsSummary } from '../metering/runs';
import { chainRuns, RunChain, type ChainRules, type StoredRun } from './chain';
import type { BilledSoFar } from './ledger';
import { storeReads, type FactReads } from './reads';

/** The open window with its settled runs already chained: a statement adds only the newest run. */
export interface ChainedWindow {
	billed: BilledSoFar;
	/** the chain from where billing stopped through every run but the newest; shared: copy before adding */
	settled: RunChain;
	/** the latest instant a settled run was seen: a statement ending earlier cuts them, and chains every run again */
	seenUntil: number;
	/** the newest run in billing order, the one still growing (undefined: no run since billing stopped) */
	latest: StoredRun | undefined;
}

interface Checkpoint extends RunsSummary {
	/** the billed state, metering start and chain rules it was chained from */
	key: string;
	settled: RunChain;
	seenUntil: number;
	/** the last settled run, and the one after it (whose start bounds the last settled run's time) */
	last: RunPosition;
	nextId: number;
}

/**
 * Each server's chain through its settled runs — every run but the newest — kept with the store,
 * so a statement reads only the runs after it instead of the server's whole unbilled history.
 * A settled run can still change (a late sample extends it up to the next run's start): its
 * runs are summed in the database at every use, and any difference chains them all again.
 */
export class ChainCheckpoints {
	static readonly MAX_SERVERS = 20_000;
	readonly #byServer = new Map<string, Checkpoint>();

	get(serverId: string, key: string): Checkpoint | undefined {
		const checkpoint = this.#byServer.get(serverId);
		return checkpoint?.key === key ? checkpoint : undefined;
	}

	set(serverId: string, checkpoint: Checkpoint): void {
		this.#byServer.delete(serverId);
		// the server not seen for longest goes first
		if (this.#byServer.size >= ChainCheckpoints.MAX_SERVERS) this.#byServer.delete(this.#byServer.keys().next().value!);
		this.#byServer.set(serverId, checkpoint);
	}
}

/** Where billing stopped and the runs since, with the settled ones chained (from the store's checkpoint when it still holds). */
export async function loadChainedWindow(
	store: Store,
	rules: ChainRules,
	server: Pick<Server, 'id' | 'metering_start'>,
	reads: FactReads = storeReads(store)
): Promise<ChainedWindow> {
	const billed = await reads.billedSoFar(server.id);
	const { runId, runStart, frontier: end } = billed.state;
	const frontier = Number.isFinite(end) ? end : null;
	const key = [
		billed.chargeId,
		billed.periodEnd,
		runId,
		runStart,
		end,
		server.metering_start,
		rules.minimumSeconds,
		rules.incrementSeconds,
		rules.timeZone
	].join(' ');
	const checkpoints = store.caches.of(ChainCheckpoints);
	const saved = checkpoints.get(server.id, key);
	let base: Omit<Checkpoint, 'key' | 'last' | 'nextId'> = {
		settled: new RunChain(rules, billed.state),
		seenUntil: -Infinity,
		count: 0,
		idSum: 0,
		lengthSum: 0
	};
	let runs: StoredRun[] | undefined;
	if (saved) {
		const [summary, after] = await Promise.all([
			reads.runsSummary(server.id, runId, frontier, saved.last),
			reads.runsFrom(server.id, runId, frontier, saved.last)
		]);
		const same = summary.count === saved.count && summary.idSum === saved.idSum && summary.lengthSum === saved.lengthSum;
		if (same && after[0]?.id === saved.nextId) [base, runs] = [saved, after];
	}
	runs ??= await reads.runsFrom(server.id, runId, frontier);
	const latest = runs.at(-1);
	if (runs.length < 2) return { billed, settled: base.settled, seenUntil: base.seenUntil, latest };
	// each settled run ends where it was last seen or where the next one starts, whatever the window
	const chained = chainRuns(runs, Infinity, server.metering_start);
	const settled = base.settled.copy();
	let { seenUntil, count, idSum, lengthSum } = base;
	for (let i = 0; i < runs.length - 1; i++) {
		settled.add(chained[i]);
		seenUntil = Math.max(seenUntil, runs[i].last_seen_at);
		count++;
		idSum += runs[i].id;
		lengthSum += runs[i].last_seen_at - runs[i].billable_from;
	}
	const last = runs[runs.length - 2];
	checkpoints.set(server.id, {
		key,
		settled,
		seenUntil,
		count,
		idSum,
		lengthSum,
		last: { id: last.id, billable_from: last.billable_from },
		nextId: latest!.id
	});
	return { billed, settled, seenUntil, latest };
}
