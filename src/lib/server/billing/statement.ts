import type { Config } from '../config';
import type { Store } from '../db';
import type { Server } from '../db/schema';
import { runsSeenAfter } from '../metering/runs';
import { billedUntil, chargedByMonth } from './ledger';
import { parseRate } from './money';
import { monthSplitter } from './months';
import { priceStatement, type PricingRules, type Statement } from './pricing';
import { spansInWindow, type RunTimes } from './window';

export interface OpenStatement extends Statement {
	/** null when the server has no billable time yet */
	periodStart: number | null;
	periodEnd: number;
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

/** Where a server's open window starts and the runs it can bill, as stored. */
export interface OpenWindow {
	/** the end of the last live charge; null when never billed */
	windowStart: number | null;
	/** runs seen after windowStart, oldest boot first */
	runs: readonly RunTimes[];
}

export async function loadOpenWindow(store: Store, serverId: string): Promise<OpenWindow> {
	const windowStart = await billedUntil(store, serverId);
	return { windowStart, runs: await runsSeenAfter(store, serverId, windowStart) };
}

/**
 * The server's unbilled usage up to `windowEnd`: from the end of its last live charge
 * (or its first billable second), priced line by line. `liveRun` extends the run the
 * app is watching right now up to `windowEnd`, so a status between samples is current.
 */
export async function openStatement(
	store: Store,
	config: Config,
	server: Server,
	windowEnd: number,
	liveRun?: { id: number }
): Promise<OpenStatement> {
	const window = await loadOpenWindow(store, server.id);
	return priceOpenWindow(config, server, window, windowEnd, liveRun, (months) => chargedByMonth(store, server.id, months));
}

/** Prices an open window already read; `charged` gives what live charges billed in the given months (monthly cap). */
export async function priceOpenWindow(
	config: Config,
	server: Pick<Server, 'hourly_rate'>,
	window: OpenWindow,
	windowEnd: number,
	liveRun: { id: number } | undefined,
	charged: (months: string[]) => Promise<ReadonlyMap<string, bigint>>
): Promise<OpenStatement> {
	const rules = pricingRules(config, server);
	const { windowStart } = window;
	const runs = liveRun ? extendRun(window.runs, liveRun.id, windowEnd) : window.runs;
	const spans = spansInWindow(runs, windowStart, windowEnd, config.meteringStart);
	const months = rules.monthlyCapMinor === undefined ? [] : monthsOf(spans, rules.timeZone);
	const statement = priceStatement(spans, rules, await charged(months));
	return {
		...statement,
		periodStart: windowStart ?? spans[0]?.start ?? null,
		periodEnd: windowEnd,
		rules
	};
}

/** The runs with one of them seen up to `until` (the live run, usually the last). */
function extendRun(runs: readonly RunTimes[], id: number, until: number): readonly RunTimes[] {
	for (let i = runs.length - 1; i >= 0; i--) {
		if (runs[i].id !== id) continue;
		const extended = runs.slice();
		extended[i] = { ...runs[i], last_seen_at: Math.max(runs[i].last_seen_at, until) };
		return extended;
	}
	return runs;
}

export function monthsOf(spans: { start: number; end: number }[], timeZone: string): string[] {
	const split = monthSplitter(timeZone);
	const keys = new Set<string>();
	for (const span of spans) for (const piece of split(span.start, span.end)) keys.add(piece.month);
	return [...keys];
}
