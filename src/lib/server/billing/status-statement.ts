import { chainRuns, RunChain } from './chain';
import { chainThrough, extendRun, priceChain, type BilledLookup, type OpenStatement, type OpenWindow } from './statement';
import type { PricingRules } from './pricing';

/** The open window's runs but the last, chained once: where the run still growing picks up. */
export interface ChainedPrefix {
	chain: RunChain;
	/** the latest time these runs were seen: a window ending earlier would cut them */
	seenUntil: number;
}

/**
 * openStatement for the status, with the same result, without work that grows with the
 * server's history: every run but the last is chained once per read of the ledger (`memo`,
 * kept with it), and each request adds only the last run, seen up to now.
 */
export function priceStatusWindow(
	rules: PricingRules,
	window: OpenWindow,
	windowEnd: number,
	meteringStart: number | null,
	liveRun: { id: number } | undefined,
	billed: BilledLookup,
	memo: { prefix?: ChainedPrefix }
): Promise<OpenStatement> {
	const last = window.runs.at(-1);
	if (!last || (liveRun && last.id !== liveRun.id)) {
		return priceChain(rules, window, chainThrough(rules, window, windowEnd, meteringStart, liveRun), windowEnd, billed);
	}
	const prefix = (memo.prefix ??= chainPrefix(rules, window, meteringStart));
	if (windowEnd < prefix.seenUntil) {
		return priceChain(rules, window, chainThrough(rules, window, windowEnd, meteringStart, liveRun), windowEnd, billed);
	}
	const chain = prefix.chain.copy();
	const [lastRun] = liveRun ? extendRun([last], last.id, windowEnd) : [last];
	for (const run of chainRuns([lastRun], windowEnd, meteringStart)) chain.add(run);
	return priceChain(rules, window, chain, windowEnd, billed);
}

function chainPrefix(rules: PricingRules, window: OpenWindow, meteringStart: number | null): ChainedPrefix {
	const chain = new RunChain(rules, window.billed.state);
	const settled = window.runs.slice(0, -1);
	// each settled run ends where it was last seen or where the next one starts, whatever the window
	const runs = chainRuns(window.runs, Infinity, meteringStart).slice(0, -1);
	for (const run of runs) chain.add(run);
	let seenUntil = -Infinity;
	for (const run of settled) seenUntil = Math.max(seenUntil, run.last_seen_at);
	return { chain, seenUntil };
}
