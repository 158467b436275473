import type { Config } from '../config';
import type { Server } from '../db/schema';
import { StatementPricer } from './pricing';
import { monthsOf, pricingRules, priceOpenWindow, type OpenStatement, type OpenWindow } from './statement';
import { spansInWindow, type RunTimes } from './window';

/** The open window's runs that no longer change, priced once: where the run still growing picks up. */
export interface PricedPrefix {
	liveRunId: number | undefined;
	pricer: StatementPricer;
	/** spansInWindow's running end after these runs (what the next run may not overlap) */
	previousEnd: number;
	/** the latest time these runs were seen: a window ending earlier would cut them */
	seenUntil: number;
	firstStart: number | undefined;
}

type Charged = (months: string[]) => Promise<ReadonlyMap<string, bigint>>;

/**
 * priceOpenWindow for the status, with the same result, without work that grows with the
 * server's history: the runs before the live one (all runs, for a remote server) are priced
 * once per read of the ledger (`memo`, kept with it) and each request prices only the live
 * run. Shapes this shortcut does not cover take the plain way.
 */
export async function priceStatusWindow(
	config: Config,
	server: Pick<Server, 'hourly_rate'>,
	window: OpenWindow,
	windowEnd: number,
	liveRun: { id: number } | undefined,
	charged: Charged,
	memo: { prefix?: Promise<PricedPrefix> }
): Promise<OpenStatement> {
	const last = window.runs.at(-1);
	if (liveRun && last?.id !== liveRun.id) return priceOpenWindow(config, server, window, windowEnd, liveRun, charged);
	let pending = memo.prefix;
	if (!pending) {
		pending = memo.prefix = pricePrefix(config, server, window, liveRun ? window.runs.slice(0, -1) : window.runs, liveRun?.id, charged);
		pending.catch(() => memo.prefix === pending && (memo.prefix = undefined));
	}
	const prefix = await pending;
	// another live run than the one priced around, or a clock behind a stored sample: the plain way
	if (prefix.liveRunId !== liveRun?.id || windowEnd < prefix.seenUntil)
		return priceOpenWindow(config, server, window, windowEnd, liveRun, charged);
	const rules = prefix.pricer.rules;
	let pricer = prefix.pricer.copy();
	let firstStart = prefix.firstStart;
	if (liveRun && last) {
		const live: RunTimes = { ...last, last_seen_at: Math.max(last.last_seen_at, windowEnd) };
		const spans = spansInWindow([live], window.windowStart, windowEnd, prefix.previousEnd);
		pricer = prefix.pricer.copy(await charged(rules.monthlyCapMinor === undefined ? [] : monthsOf(spans, rules.timeZone)));
		for (const span of spans) pricer.add(span);
		firstStart ??= spans[0]?.start;
	}
	return { ...pricer.statement(), periodStart: window.windowStart ?? firstStart ?? null, periodEnd: windowEnd, rules };
}

async function pricePrefix(
	config: Config,
	server: Pick<Server, 'hourly_rate'>,
	window: OpenWindow,
	runs: readonly RunTimes[],
	liveRunId: number | undefined,
	charged: Charged
): Promise<PricedPrefix> {
	const rules = pricingRules(config, server);
	// a window without end cuts no run: each ends where it was last seen
	const spans = spansInWindow(runs, window.windowStart, Infinity, config.meteringStart);
	const pricer = new StatementPricer(
		rules,
		await charged(rules.monthlyCapMinor === undefined ? [] : monthsOf(spans, rules.timeZone)),
		false
	);
	for (const span of spans) pricer.add(span);
	let previousEnd = config.meteringStart ?? -Infinity;
	let seenUntil = -Infinity;
	for (const run of runs) {
		previousEnd = Math.max(previousEnd, run.last_seen_at);
		seenUntil = Math.max(seenUntil, run.last_seen_at);
	}
	return { liveRunId, pricer, previousEnd, seenUntil, firstStart: spans[0]?.start };
}
