import type { Config } from '../config';
import type { Store } from '../db';
import type { Server } from '../db/schema';
import { runsFrom } from '../metering/runs';
import { chainRuns, RunChain, type ChainState, type StoredRun } from './chain';
import { loadChainedWindow, type ChainedWindow } from './checkpoint';
import { billedMonths, billedSoFar, type BilledSoFar } from './ledger';
import { formatRate, parseRate } from './money';
import { priceMonths, type BilledMonth, type PricedMonths, type PricingRules } from './pricing';

export interface OpenStatement extends PricedMonths {
	/** the end of the last live charge, or the first billable second; null when there is nothing yet */
	periodStart: number | null;
	periodEnd: number;
	meteredSeconds: number;
	billableSeconds: number;
	minimumApplied: boolean;
	/** where billing stops if this statement is charged */
	state: ChainState;
	/** the live charge this statement continues from (null: never billed) */
	basedOn: number | null;
	rules: PricingRules;
}

export function pricingRules(config: Config, server: Pick<Server, 'hourly_rate'>): PricingRules {
	return {
		currency: config.currency,
		rateMicros: server.hourly_rate === null ? config.rateMicros : parseRate(server.hourly_rate)!,
		minimumSeconds: config.minimumSeconds,
		incrementSeconds: config.incrementSeconds,
		monthlyCapMinor: config.monthlyCapMinor,
		timeZone: config.timeZone
	};
}

/** Where a server's billing stopped and every run from there on, as stored. */
export interface OpenWindow {
	billed: BilledSoFar;
	/** in billing order */
	runs: readonly StoredRun[];
}

export async function loadOpenWindow(store: Store, serverId: string): Promise<OpenWindow> {
	const billed = await billedSoFar(store, serverId);
	return { billed, runs: await allRunsSince(store, serverId, billed) };
}

function allRunsSince(store: Store, serverId: string, billed: BilledSoFar) {
	const frontier = Number.isFinite(billed.state.frontier) ? billed.state.frontier : null;
	return runsFrom(store, serverId, billed.state.runId, frontier);
}

export type BilledLookup = (months: string[], rate: string) => Promise<ReadonlyMap<string, BilledMonth>>;

/**
 * The server's unbilled usage up to `windowEnd`, priced month by month. `liveRun` extends
 * the run the app is watching right now up to `windowEnd`, so a status between samples is current.
 */
export async function openStatement(
	store: Store,
	config: Config,
	server: Server,
	windowEnd: number,
	liveRun?: { id: number }
): Promise<OpenStatement> {
	const rules = pricingRules(config, server);
	const window = await loadChainedWindow(store, rules, server);
	return priceWindow(store, rules, window, server, windowEnd, liveRun, (months, rate) => billedMonths(store, server.id, months, rate));
}

/**
 * The window priced up to `windowEnd`: the newest run added to the settled runs' chain, which
 * is what chaining every run gives (checkpoint.spec.ts). A window ending before a settled run
 * was last seen, or a live run that is not the newest, chains every run again.
 */
export async function priceWindow(
	store: Store,
	rules: PricingRules,
	window: ChainedWindow,
	server: Pick<Server, 'id' | 'metering_start'>,
	windowEnd: number,
	liveRun: { id: number } | undefined,
	billed: BilledLookup
): Promise<OpenStatement> {
	const { latest } = window;
	if (windowEnd >= window.seenUntil && (!liveRun || !latest || liveRun.id === latest.id)) {
		const chain = window.settled.copy();
		const runs = !latest ? [] : liveRun ? extendRun([latest], liveRun.id, windowEnd) : [latest];
		for (const run of chainRuns(runs, windowEnd, server.metering_start)) chain.add(run);
		return priceChain(rules, window.billed, chain, windowEnd, billed);
	}
	const all = { billed: window.billed, runs: await allRunsSince(store, server.id, window.billed) };
	return priceChain(rules, window.billed, chainThrough(rules, all, windowEnd, server.metering_start, liveRun), windowEnd, billed);
}

/** Runs the chain from where billing stopped through every run seen up to `windowEnd`. */
export function chainThrough(
	rules: PricingRules,
	window: OpenWindow,
	windowEnd: number,
	meteringStart: number | null,
	liveRun?: { id: number }
): RunChain {
	const runs = liveRun ? extendRun(window.runs, liveRun.id, windowEnd) : window.runs;
	const chain = new RunChain(rules, window.billed.state);
	for (const run of chainRuns(runs, windowEnd, meteringStart)) chain.add(run);
	return chain;
}

/** Prices what a chain added, against what live charges already billed in its months. */
export async function priceChain(
	rules: PricingRules,
	billedSoFar: BilledSoFar,
	chain: RunChain,
	windowEnd: number,
	billed: BilledLookup
): Promise<OpenStatement> {
	const months = [...chain.months.values()];
	const priced = priceMonths(
		rules,
		months,
		await billed(
			months.map((m) => m.month),
			formatRate(rules.rateMicros)
		)
	);
	return {
		...priced,
		periodStart: billedSoFar.periodEnd ?? chain.firstStart ?? null,
		periodEnd: windowEnd,
		meteredSeconds: chain.meteredSeconds,
		billableSeconds: chain.billableSeconds,
		minimumApplied: chain.minimumApplied,
		state: chain.state,
		basedOn: billedSoFar.chargeId,
		rules
	};
}

/** The runs with one of them seen up to `until` (the live run, usually the last). */
export function extendRun(runs: readonly StoredRun[], id: number, until: number): readonly StoredRun[] {
	for (let i = runs.length - 1; i >= 0; i--) {
		if (runs[i].id !== id) continue;
		const extended = runs.slice();
		extended[i] = { ...runs[i], last_seen_at: Math.max(runs[i].last_seen_at, until) };
		return extended;
	}
	return runs;
}
